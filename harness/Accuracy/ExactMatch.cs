using System.Text.Json;

namespace Harness.Accuracy;

/// <summary>
/// The exact-match rule and its task files. The greedy continuation is decoded to text, leading whitespace is
/// dropped, it is cut at its first line break (lm-evaluation-harness's usual <c>until: ["\n"]</c> stop sequence) and
/// stripped; the expected answer is stripped. Rule "exact": the two are equal, case-sensitive (lm-evaluation-harness's
/// exact_match after stripping). Rule "prefix": the answer starts with the expected text (a model that goes on after
/// a correct answer on the same line still counts; note "42" then also matches an expected "4").
/// </summary>
internal static class ExactMatch
{
    public static IReadOnlyList<string> Rules { get; } = ["exact", "prefix"];

    /// <summary>The part of a continuation that is compared: its first non-empty line, stripped.</summary>
    public static string Answer(string generated)
    {
        ArgumentNullException.ThrowIfNull(generated);
        string text = generated.TrimStart();
        int lineBreak = text.IndexOfAny(['\n', '\r']);
        return (lineBreak >= 0 ? text[..lineBreak] : text).Trim();
    }

    public static bool IsMatch(string generated, string expected, string rule)
    {
        ArgumentNullException.ThrowIfNull(expected);
        string answer = Answer(generated);
        string target = expected.Trim();
        return rule switch
        {
            "exact" => string.Equals(answer, target, StringComparison.Ordinal),
            "prefix" => answer.StartsWith(target, StringComparison.Ordinal),
            _ => throw new ArgumentException($"unknown exact-match rule '{rule}' (expected one of {string.Join(", ", Rules)})", nameof(rule)),
        };
    }

    /// <summary>Reads <c>{"prompt": "...", "expected": "..."}</c> per line (blank lines skipped).</summary>
    /// <exception cref="HarnessInputException">A line that is not such an object, or a file with no item (one line naming file and line).</exception>
    public static IReadOnlyList<ExactMatchItem> Load(string path, int? maxItems = null)
    {
        var items = new List<ExactMatchItem>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (items.Count == (maxItems ?? int.MaxValue))
            {
                break;
            }

            items.Add(Parse(path, lineNumber, line));
        }

        return items.Count > 0 ? items : throw new HarnessInputException($"{path}: no items (expected one JSON object per line with \"prompt\" and \"expected\")");
    }

    private static ExactMatchItem Parse(string path, int lineNumber, string line)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            string Field(string name) =>
                root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String
                    ? e.GetString()!
                    : throw new HarnessInputException($"{path}:{lineNumber}: needs a string \"{name}\" (each line is {{\"prompt\": ..., \"expected\": ...}})");
            return new ExactMatchItem(lineNumber, Field("prompt"), Field("expected"));
        }
        catch (JsonException ex)
        {
            throw new HarnessInputException($"{path}:{lineNumber}: not a JSON object: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }
}
