using System.Text.Json;
using System.Text.RegularExpressions;

namespace Harness.Engines.Llama.Tokenization;

/// <summary>
/// The pre_tokenizer of a tokenizer.json: splits text into the pieces BPE sees, so merges never cross a piece
/// boundary. Supports ByteLevel, Split (regex or literal, every delimiter behaviour), Digits, and Sequence of these,
/// which covers GPT-2, Llama 3, Qwen2 and SmolLM2. Patterns run on .NET's regex engine: letters and digits outside
/// the Basic Multilingual Plane are seen as surrogate pairs, so \p{L}/\p{N} do not match them (rare in practice).
/// </summary>
internal sealed partial class PreTokenizerPipeline
{
    private readonly Step[] steps;

    private PreTokenizerPipeline(Step[] steps, bool isByteLevel)
    {
        this.steps = steps;
        IsByteLevel = isByteLevel;
    }

    private enum Behavior
    {
        Isolated,
        Removed,
        MergedWithPrevious,
        MergedWithNext,
        Contiguous,
    }

    /// <summary>Whether a ByteLevel step is present, i.e. the vocabulary is in the byte alphabet.</summary>
    public bool IsByteLevel { get; }

    /// <summary>Reads a pre_tokenizer node; <paramref name="source"/> names the file in error messages.</summary>
    /// <exception cref="EngineException">A pre-tokenizer type or option this engine does not implement.</exception>
    public static PreTokenizerPipeline Parse(JsonElement node, string source)
    {
        var steps = new List<Step>();
        bool byteLevel = false;
        Collect(node, source, steps, ref byteLevel);
        return new PreTokenizerPipeline([.. steps], byteLevel);
    }

    /// <summary>Appends the pieces of <paramref name="text"/> to <paramref name="output"/>.</summary>
    public void Split(string text, List<string> output)
    {
        List<string> current = [text];
        foreach (Step step in steps)
        {
            var next = new List<string>(current.Count * 2);
            foreach (string piece in current)
            {
                step.Apply(piece, next);
            }

            current = next;
        }

        output.AddRange(current);
    }

    // GPT-2's pattern, which ByteLevel applies itself when use_regex is true (its default).
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Gpt2Pattern();

    private static void Collect(JsonElement node, string source, List<Step> steps, ref bool byteLevel)
    {
        if (node.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        string type = node.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? "" : "";
        switch (type)
        {
            case "Sequence":
                foreach (JsonElement child in node.GetProperty("pretokenizers").EnumerateArray())
                {
                    Collect(child, source, steps, ref byteLevel);
                }

                break;
            case "ByteLevel":
                byteLevel = true;
                steps.Add(new ByteLevelStep(Flag(node, "add_prefix_space", false), Flag(node, "use_regex", true)));
                break;
            case "Split":
                steps.Add(ParseSplit(node, source));
                break;
            case "Digits":
                steps.Add(new DigitsStep(Flag(node, "individual_digits", false)));
                break;
            default:
                throw new EngineException($"{source}: pre_tokenizer type '{type}' is not supported (byte-level BPE needs ByteLevel, optionally with Split/Digits)");
        }
    }

    private static SplitStep ParseSplit(JsonElement node, string source)
    {
        JsonElement pattern = node.GetProperty("pattern");
        Regex regex;
        if (pattern.TryGetProperty("Regex", out JsonElement r))
        {
            string text = r.GetString() ?? "";
            try
            {
                regex = new Regex(text, RegexOptions.Compiled | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                throw new EngineException($"{source}: Split pattern {text} is not a valid .NET regex: {ex.Message}");
            }
        }
        else if (pattern.TryGetProperty("String", out JsonElement s))
        {
            regex = new Regex(Regex.Escape(s.GetString() ?? ""), RegexOptions.CultureInvariant);
        }
        else
        {
            throw new EngineException($"{source}: Split pattern must be {{\"Regex\": ...}} or {{\"String\": ...}}");
        }

        string behaviorName = node.TryGetProperty("behavior", out JsonElement b) ? b.GetString() ?? "" : "Isolated";
        if (!Enum.TryParse(behaviorName, ignoreCase: false, out Behavior behavior) || !Enum.IsDefined(behavior))
        {
            throw new EngineException($"{source}: Split behavior '{behaviorName}' is not supported");
        }

        return new SplitStep(regex, behavior, Flag(node, "invert", false));
    }

    private static bool Flag(JsonElement node, string name, bool fallback) =>
        node.TryGetProperty(name, out JsonElement v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    /// <summary>Cuts <paramref name="piece"/> at <paramref name="matches"/> (ordered, non-empty) as the behaviour says.</summary>
    private static void Cut(string piece, List<Range> matches, Behavior behavior, bool invert, List<string> output)
    {
        // Segments cover the whole piece, alternating between gaps and matches as found.
        var segments = new List<(int Start, int End, bool IsMatch)>(matches.Count * 2 + 1);
        int at = 0;
        foreach (Range m in matches)
        {
            (int start, int length) = m.GetOffsetAndLength(piece.Length);
            if (start > at)
            {
                segments.Add((at, start, invert));
            }

            segments.Add((start, start + length, !invert));
            at = start + length;
        }

        if (at < piece.Length)
        {
            segments.Add((at, piece.Length, invert));
        }

        var merged = new List<(int Start, int End, bool IsMatch)>(segments.Count);
        switch (behavior)
        {
            case Behavior.Isolated:
                merged = segments;
                break;
            case Behavior.Removed:
                merged.AddRange(segments.Where(s => !s.IsMatch));
                break;
            case Behavior.MergedWithPrevious:
                MergeForward(segments, merged, (isMatch, previousMatch) => isMatch && !previousMatch);
                break;
            case Behavior.Contiguous:
                MergeForward(segments, merged, (isMatch, previousMatch) => isMatch == previousMatch);
                break;
            case Behavior.MergedWithNext:
                // A match joins the piece that follows it: the mirror image of MergedWithPrevious.
                bool nextMatch = false;
                for (int i = segments.Count - 1; i >= 0; i--)
                {
                    var s = segments[i];
                    if (s.IsMatch && !nextMatch && merged.Count > 0)
                    {
                        merged[^1] = (s.Start, merged[^1].End, merged[^1].IsMatch);
                    }
                    else
                    {
                        merged.Add(s);
                    }

                    nextMatch = s.IsMatch;
                }

                merged.Reverse();
                break;
        }

        foreach (var s in merged)
        {
            output.Add(s.Start == 0 && s.End == piece.Length ? piece : piece[s.Start..s.End]);
        }
    }

    private static void MergeForward(List<(int Start, int End, bool IsMatch)> segments, List<(int Start, int End, bool IsMatch)> merged, Func<bool, bool, bool> joinsPrevious)
    {
        bool previousMatch = false;
        foreach (var s in segments)
        {
            if (joinsPrevious(s.IsMatch, previousMatch) && merged.Count > 0)
            {
                merged[^1] = (merged[^1].Start, s.End, merged[^1].IsMatch);
            }
            else
            {
                merged.Add(s);
            }

            previousMatch = s.IsMatch;
        }
    }

    private static List<Range> Matches(Regex regex, string piece)
    {
        var matches = new List<Range>();
        foreach (ValueMatch m in regex.EnumerateMatches(piece))
        {
            if (m.Length > 0)
            {
                matches.Add(new Range(m.Index, m.Index + m.Length));
            }
        }

        return matches;
    }

    private abstract class Step
    {
        public abstract void Apply(string piece, List<string> output);
    }

    private sealed class ByteLevelStep(bool addPrefixSpace, bool useRegex) : Step
    {
        public override void Apply(string piece, List<string> output)
        {
            // As in the reference: the space goes in front of every piece reaching this step, not just the text start.
            if (addPrefixSpace && !piece.StartsWith(' '))
            {
                piece = " " + piece;
            }

            if (useRegex)
            {
                Cut(piece, Matches(Gpt2Pattern(), piece), Behavior.Isolated, invert: false, output);
            }
            else
            {
                output.Add(piece);
            }
        }
    }

    private sealed class SplitStep(Regex regex, Behavior behavior, bool invert) : Step
    {
        public override void Apply(string piece, List<string> output) => Cut(piece, Matches(regex, piece), behavior, invert, output);
    }

    private sealed class DigitsStep(bool individual) : Step
    {
        public override void Apply(string piece, List<string> output)
        {
            var matches = new List<Range>();
            for (int i = 0; i < piece.Length; i++)
            {
                if (char.IsNumber(piece[i]))
                {
                    matches.Add(new Range(i, i + 1));
                }
            }

            Cut(piece, matches, individual ? Behavior.Isolated : Behavior.Contiguous, invert: false, output);
        }
    }
}
