using System.Text;
using System.Text.Json;

namespace Harness.Engines.Llama.Tokenization;

/// <summary>
/// Learns byte-level BPE merges from text, the way the Hugging Face tokenizers library's BpeTrainer does without its
/// options: split the text into pieces with the same GPT-2 pre-tokenizer the loader applies, start every piece from
/// one symbol per UTF-8 byte, and repeatedly merge the most frequent adjacent pair (counted over piece frequencies).
/// Ties go to the ordinally smaller pair, so the result is deterministic. The vocabulary is the 256 byte symbols
/// (id = byte value), then the added tokens, then one token per merge in the order learned (which is its rank).
/// </summary>
public static class BpeTrainer
{
    /// <summary>The pre_tokenizer node written to tokenizer.json and used to split training text.</summary>
    internal const string PreTokenizerJson = """{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}""";

    /// <summary>
    /// Learns up to <paramref name="merges"/> merges from <paramref name="documents"/> (fewer when no pair occurs at
    /// least <paramref name="minFrequency"/> times) and writes a tokenizer.json to <paramref name="path"/>.
    /// </summary>
    /// <param name="addedTokens">Special tokens (bos, eos), given ids 256, 257, ... in this order.</param>
    /// <returns>The merges learned, highest priority first, as byte-alphabet strings.</returns>
    public static IReadOnlyList<(string Left, string Right)> Train(IEnumerable<string> documents, int merges, IReadOnlyList<string> addedTokens, string path, int minFrequency = 2)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(addedTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(merges);
        List<(string, string)> learned = Learn(PieceCounts(documents), merges, minFrequency);
        Write(path, learned, addedTokens);
        return learned;
    }

    /// <summary>How often each pre-tokenized piece occurs, as its byte-alphabet string.</summary>
    private static Dictionary<string, long> PieceCounts(IEnumerable<string> documents)
    {
        using JsonDocument node = JsonDocument.Parse(PreTokenizerJson);
        PreTokenizerPipeline splitter = PreTokenizerPipeline.Parse(node.RootElement, "BPE trainer");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var pieces = new List<string>();
        foreach (string document in documents)
        {
            pieces.Clear();
            splitter.Split(document, pieces);
            foreach (string piece in pieces)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(piece);
                var symbols = new char[bytes.Length];
                ByteLevelAlphabet.Map(bytes, symbols);
                string key = new(symbols);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        return counts;
    }

    private static List<(string, string)> Learn(Dictionary<string, long> pieceCounts, int mergeCount, int minFrequency)
    {
        // Symbols are ids into `tokens`; each distinct piece is a symbol array weighted by its count. Pieces of one
        // symbol can never merge and are dropped.
        var tokens = new List<string>();
        var idOf = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string token)
        {
            if (!idOf.TryGetValue(token, out int id))
            {
                id = tokens.Count;
                idOf[token] = id;
                tokens.Add(token);
            }

            return id;
        }

        var words = new List<(List<int> Symbols, long Count)>();
        foreach ((string piece, long count) in pieceCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (piece.Length > 1)
            {
                words.Add(([.. piece.Select(c => Id(c.ToString()))], count));
            }
        }

        var learned = new List<(string, string)>(mergeCount);
        var pairs = new Dictionary<long, long>();
        while (learned.Count < mergeCount)
        {
            pairs.Clear();
            foreach ((List<int> symbols, long count) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    long key = ((long)symbols[i] << 32) | (uint)symbols[i + 1];
                    pairs[key] = pairs.GetValueOrDefault(key) + count;
                }
            }

            long best = -1, bestCount = 0;
            foreach ((long key, long count) in pairs)
            {
                if (count > bestCount || (count == bestCount && ComparePairs(tokens, key, best) < 0))
                {
                    (best, bestCount) = (key, count);
                }
            }

            if (bestCount < minFrequency)
            {
                break;
            }

            int left = (int)(best >> 32), right = (int)(best & 0xFFFFFFFF);
            int merged = Id(tokens[left] + tokens[right]);
            learned.Add((tokens[left], tokens[right]));
            foreach ((List<int> symbols, _) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = merged;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }

        return learned;
    }

    private static int ComparePairs(List<string> tokens, long a, long b)
    {
        int c = string.CompareOrdinal(tokens[(int)(a >> 32)], tokens[(int)(b >> 32)]);
        return c != 0 ? c : string.CompareOrdinal(tokens[(int)(a & 0xFFFFFFFF)], tokens[(int)(b & 0xFFFFFFFF)]);
    }

    /// <summary>A tokenizer.json the Hugging Face library and <see cref="HfTokenizer"/> read: ByteLevel pre-tokenizer and decoder, BPE model, special tokens as added tokens.</summary>
    private static void Write(string path, List<(string Left, string Right)> merges, IReadOnlyList<string> addedTokens)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            for (int i = 0; i < addedTokens.Count; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", 256 + i);
                json.WriteString("content", addedTokens[i]);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("special", true);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNull("normalizer");
            json.WritePropertyName("pre_tokenizer");
            json.WriteRawValue(PreTokenizerJson);
            json.WriteNull("post_processor");
            json.WritePropertyName("decoder");
            json.WriteRawValue("""{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}""");
            json.WriteStartObject("model");
            json.WriteString("type", "BPE");
            json.WriteNull("dropout");
            json.WriteNull("unk_token");
            json.WriteNull("continuing_subword_prefix");
            json.WriteNull("end_of_word_suffix");
            json.WriteBoolean("fuse_unk", false);
            json.WriteBoolean("byte_fallback", false);
            json.WriteBoolean("ignore_merges", false);
            json.WriteStartObject("vocab");
            for (int b = 0; b < 256; b++)
            {
                json.WriteNumber(ByteLevelAlphabet.ToChar((byte)b).ToString(), b);
            }

            // Two merges can spell the same token ("ab"+"c", "a"+"bc"): it gets the id of its first.
            int next = 256 + addedTokens.Count;
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach ((string left, string right) in merges)
            {
                if (written.Add(left + right))
                {
                    json.WriteNumber(left + right, next++);
                }
            }

            json.WriteEndObject();
            json.WriteStartArray("merges");
            foreach ((string left, string right) in merges)
            {
                json.WriteStartArray();
                json.WriteStringValue(left);
                json.WriteStringValue(right);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        try
        {
            File.WriteAllBytes(path, stream.ToArray());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"{path}: cannot write the tokenizer: {ex.Message}", ex);
        }
    }
}
