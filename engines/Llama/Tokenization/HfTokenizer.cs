using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Harness.Engines.Llama.Tokenization;

/// <summary>
/// A Hugging Face tokenizer.json whose model is byte-level BPE (GPT-2, Llama 3, Qwen2, SmolLM2 and kin).
/// Added tokens are matched verbatim before anything else, then the normalizer, the pre-tokenizer and the BPE
/// merges run on the text between them. Encoding adds no bos/eos (the post_processor is not applied); decoding
/// writes special tokens as their text and skips ids the tokenizer does not know (models often pad the embedding
/// past the tokenizer's last id). Added-token options lstrip/rstrip/single_word are not applied. Unicode
/// normalizers (NFC for Qwen2) go through string.Normalize, which is a no-op under the project's invariant
/// globalization: exact for already-composed input (what users type), not for decomposed input.
/// </summary>
public sealed class HfTokenizer : ITokenizer
{
    private readonly ByteLevelBpe bpe;
    private readonly PreTokenizerPipeline preTokenizer;
    private readonly NormalizationForm[] normalization;
    private readonly Dictionary<string, int> vocab;
    private readonly Dictionary<string, int> addedByContent;
    private readonly Dictionary<int, string> addedById;
    private readonly string?[] tokenById;
    private readonly Regex? addedPattern;

    private HfTokenizer(
        ByteLevelBpe bpe,
        PreTokenizerPipeline preTokenizer,
        NormalizationForm[] normalization,
        Dictionary<string, int> vocab,
        Dictionary<int, string> addedById)
    {
        this.bpe = bpe;
        this.preTokenizer = preTokenizer;
        this.normalization = normalization;
        this.vocab = vocab;
        this.addedById = addedById;
        addedByContent = addedById.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

        VocabSize = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max(), addedById.Count == 0 ? 0 : addedById.Keys.Max()) + 1;
        tokenById = new string?[VocabSize];
        foreach ((string token, int id) in vocab)
        {
            tokenById[id] = token;
        }

        // Longest first, so that at one position "<|im_start|>" wins over a shorter added token it begins with.
        addedPattern = addedById.Count == 0
            ? null
            : new Regex(
                string.Join('|', addedById.Values.Where(c => c.Length > 0).OrderByDescending(c => c.Length).Select(Regex.Escape)),
                RegexOptions.CultureInvariant);
    }

    public string Name => $"tokenizer.json (byte-level BPE, {VocabSize})";

    public int VocabSize { get; }

    public int? BosTokenId { get; private set; }

    public IReadOnlyList<int> EosTokenIds { get; private set; } = [];

    /// <summary>
    /// Reads <paramref name="path"/>. bos/eos come from the arguments when given (non-null / non-empty), otherwise
    /// from generation_config.json, config.json or tokenizer_config.json in the same folder.
    /// </summary>
    /// <exception cref="EngineException">The file is missing, malformed, or not a byte-level BPE tokenizer.</exception>
    public static HfTokenizer Load(string path, int? bosTokenId = null, IReadOnlyList<int>? eosTokenIds = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new EngineException($"tokenizer file not found: {path}");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new EngineException($"{path} is not valid JSON: {ex.Message}");
        }

        HfTokenizer tokenizer;
        using (doc)
        {
            try
            {
                tokenizer = Parse(doc.RootElement, path);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // Wrong JSON shapes surface from System.Text.Json as these; the user needs the file, not a trace.
                throw new EngineException($"{path}: malformed tokenizer.json ({ex.Message})");
            }
        }

        (int? fileBos, IReadOnlyList<int> fileEos) = HfSpecialTokens.Read(Path.GetDirectoryName(Path.GetFullPath(path))!, tokenizer.TokenToId);
        tokenizer.BosTokenId = bosTokenId ?? fileBos;
        tokenizer.EosTokenIds = eosTokenIds is { Count: > 0 } ? [.. eosTokenIds] : fileEos;
        return tokenizer;
    }

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        var pieces = new List<string>();
        int at = 0;
        if (addedPattern is not null)
        {
            foreach (ValueMatch m in addedPattern.EnumerateMatches(text))
            {
                EncodeOrdinary(text[at..m.Index], ids, pieces);
                ids.Add(addedByContent[text.Substring(m.Index, m.Length)]);
                at = m.Index + m.Length;
            }
        }

        EncodeOrdinary(at == 0 ? text : text[at..], ids, pieces);
        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        foreach (int id in ids)
        {
            if (addedById.TryGetValue(id, out string? content))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(content));
            }
            else if ((uint)id < (uint)tokenById.Length && tokenById[id] is { } token)
            {
                foreach (char c in token)
                {
                    int b = ByteLevelAlphabet.ToByte(c);
                    if (b >= 0)
                    {
                        bytes.Add((byte)b);
                    }
                    else
                    {
                        // Not in the byte alphabet (a hand-added vocabulary entry): take the character as written.
                        bytes.AddRange(utf8[..Encoding.UTF8.GetBytes([c], utf8)]);
                    }
                }
            }
        }

        // Invalid sequences (a generation cut mid-character) become U+FFFD rather than failing.
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    /// <summary>The id of a token written as text (added tokens first, then the vocabulary in byte alphabet).</summary>
    internal int? TokenToId(string token) =>
        addedByContent.TryGetValue(token, out int added) ? added : vocab.TryGetValue(token, out int id) ? id : null;

    private static HfTokenizer Parse(JsonElement root, string path)
    {
        JsonElement model = root.GetProperty("model");
        string type = model.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? "" : "";
        if (type.Length == 0 && model.TryGetProperty("merges", out _))
        {
            // Files written by early tokenizers releases leave out the type; only BPE has merges.
            type = "BPE";
        }

        if (type != "BPE")
        {
            throw new EngineException($"{path}: tokenizer model type '{type}' is not supported (only byte-level BPE)");
        }

        foreach (string affix in (string[])["continuing_subword_prefix", "end_of_word_suffix"])
        {
            if (model.TryGetProperty(affix, out JsonElement a) && a.ValueKind == JsonValueKind.String && a.GetString()!.Length > 0)
            {
                throw new EngineException($"{path}: BPE with {affix} is not supported (only byte-level BPE)");
            }
        }

        PreTokenizerPipeline preTokenizer = PreTokenizerPipeline.Parse(
            root.TryGetProperty("pre_tokenizer", out JsonElement p) ? p : default, path);
        if (!preTokenizer.IsByteLevel)
        {
            throw new EngineException($"{path}: BPE without a ByteLevel pre_tokenizer (SentencePiece-style) is not supported (only byte-level BPE)");
        }

        CheckDecoder(root.TryGetProperty("decoder", out JsonElement d) ? d : default, path);

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in model.GetProperty("vocab").EnumerateObject())
        {
            int id = entry.Value.GetInt32();
            if (id < 0)
            {
                throw new EngineException($"{path}: vocab entry '{entry.Name}' has negative id {id}");
            }

            vocab[entry.Name] = id;
        }

        var merges = new List<(string, string)>();
        if (model.TryGetProperty("merges", out JsonElement m))
        {
            foreach (JsonElement merge in m.EnumerateArray())
            {
                merges.Add(ParseMerge(merge, path));
            }
        }

        var addedById = new Dictionary<int, string>();
        if (root.TryGetProperty("added_tokens", out JsonElement added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement token in added.EnumerateArray())
            {
                addedById[token.GetProperty("id").GetInt32()] = token.GetProperty("content").GetString() ?? "";
            }
        }

        bool ignoreMerges = model.TryGetProperty("ignore_merges", out JsonElement im) && im.ValueKind == JsonValueKind.True;
        var bpe = new ByteLevelBpe(vocab, merges, ignoreMerges, path);
        NormalizationForm[] normalization = ParseNormalizer(root.TryGetProperty("normalizer", out JsonElement n) ? n : default, path);
        return new HfTokenizer(bpe, preTokenizer, normalization, vocab, addedById);
    }

    private static (string, string) ParseMerge(JsonElement merge, string path)
    {
        if (merge.ValueKind == JsonValueKind.String)
        {
            // Byte-level symbols never contain a real space, so the single space is the separator.
            string text = merge.GetString()!;
            int space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && space < text.Length - 1 && text.IndexOf(' ', space + 1) < 0)
            {
                return (text[..space], text[(space + 1)..]);
            }
        }
        else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
        {
            return (merge[0].GetString()!, merge[1].GetString()!);
        }

        throw new EngineException($"{path}: merge {merge.GetRawText()} is neither \"a b\" nor [\"a\", \"b\"]");
    }

    private static NormalizationForm[] ParseNormalizer(JsonElement node, string path)
    {
        if (node.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return [];
        }

        string type = node.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? "" : "";
        return type switch
        {
            "Sequence" => [.. node.GetProperty("normalizers").EnumerateArray().SelectMany(child => ParseNormalizer(child, path))],
            "NFC" => [NormalizationForm.FormC],
            "NFD" => [NormalizationForm.FormD],
            "NFKC" => [NormalizationForm.FormKC],
            "NFKD" => [NormalizationForm.FormKD],
            _ => throw new EngineException($"{path}: normalizer type '{type}' is not supported"),
        };
    }

    private static void CheckDecoder(JsonElement node, string path)
    {
        if (node.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return;
        }

        string type = node.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? "" : "";
        if (type != "ByteLevel")
        {
            throw new EngineException($"{path}: decoder type '{type}' is not supported (only ByteLevel)");
        }
    }

    private void EncodeOrdinary(string text, List<int> ids, List<string> pieces)
    {
        if (text.Length == 0)
        {
            return;
        }

        foreach (NormalizationForm form in normalization)
        {
            text = text.Normalize(form);
        }

        pieces.Clear();
        preTokenizer.Split(text, pieces);
        foreach (string piece in pieces)
        {
            bpe.Encode(piece, ids);
        }
    }
}
