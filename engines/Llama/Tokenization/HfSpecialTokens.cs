using System.Text.Json;

namespace Harness.Engines.Llama.Tokenization;

/// <summary>
/// Finds bos/eos ids in the files a Hugging Face checkpoint keeps next to tokenizer.json. generation_config.json
/// wins because chat models list all their stop tokens there (Llama 3 Instruct has three); config.json comes next;
/// tokenizer_config.json names tokens by text, which are resolved through the tokenizer.
/// </summary>
internal static class HfSpecialTokens
{
    private static readonly string[] IdFiles = ["generation_config.json", "config.json"];

    /// <summary>The first bos and the first eos found; null / empty when no file defines them.</summary>
    /// <exception cref="EngineException">One of the files exists but is not valid JSON.</exception>
    public static (int? Bos, IReadOnlyList<int> Eos) Read(string directory, Func<string, int?> tokenToId)
    {
        int? bos = null;
        IReadOnlyList<int> eos = [];
        foreach (string name in IdFiles)
        {
            using JsonDocument? doc = TryParse(Path.Combine(directory, name));
            if (doc is null)
            {
                continue;
            }

            bos ??= doc.RootElement.TryGetProperty("bos_token_id", out JsonElement b) && b.TryGetInt32(out int id) ? id : null;
            if (eos.Count == 0 && doc.RootElement.TryGetProperty("eos_token_id", out JsonElement e))
            {
                eos = Ids(e);
            }
        }

        using JsonDocument? config = TryParse(Path.Combine(directory, "tokenizer_config.json"));
        if (config is not null)
        {
            bos ??= TokenText(config.RootElement, "bos_token") is { } bosText ? tokenToId(bosText) : null;
            if (eos.Count == 0 && TokenText(config.RootElement, "eos_token") is { } eosText && tokenToId(eosText) is { } eosId)
            {
                eos = [eosId];
            }
        }

        return (bos, eos);
    }

    private static int[] Ids(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.Number when node.TryGetInt32(out int id) => [id],
        JsonValueKind.Array => [.. node.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetInt32())],
        _ => [],
    };

    // tokenizer_config.json writes a special token either as its text or as an AddedToken object with "content".
    private static string? TokenText(JsonElement root, string name) =>
        !root.TryGetProperty(name, out JsonElement node) ? null
        : node.ValueKind == JsonValueKind.String ? node.GetString()
        : node.ValueKind == JsonValueKind.Object && node.TryGetProperty("content", out JsonElement c) ? c.GetString()
        : null;

    private static JsonDocument? TryParse(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new EngineException($"{path} is not valid JSON: {ex.Message}");
        }
    }
}
