using System.Reflection;
using System.Text.Json.Nodes;
using Harness.Engines;
using Harness.Engines.Llama.Tokenization;
using Microsoft.ML.Tokenizers;

namespace Harness.Tests.Engines.Tokenization;

public sealed class Gpt2TokenizerTests
{
    private static readonly string[] Samples =
    [
        "Hello world",
        "The quick brown fox jumps over the lazy dog 1234567890.",
        "  indented\n\ttabs   and  spaces \n\n",
        "naïve café, Grüße, 你好世界 🎉👩‍👩‍👧",
        "it's they're I'll we've <|endoftext|> end",
    ];

    [Fact]
    public void EncodesKnownIds()
    {
        var tokenizer = new Gpt2Tokenizer();
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world"));
        Assert.Equal([50256], tokenizer.EosTokenIds);
        Assert.Null(tokenizer.BosTokenId);
        Assert.Equal(50257, tokenizer.VocabSize);
    }

    [Fact]
    public void DecodeInvertsEncode()
    {
        var tokenizer = new Gpt2Tokenizer();
        foreach (string text in Samples)
        {
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        }
    }

    [Fact]
    public void FoldingKeepsIdsInsideTheSmallVocab()
    {
        var inner = new Gpt2Tokenizer();
        var folded = new VocabFoldingTokenizer(inner, 512);
        foreach (string text in Samples)
        {
            IReadOnlyList<int> ids = folded.Encode(text);
            Assert.All(ids, id => Assert.InRange(id, 0, 511));
            Assert.Equal(inner.Encode(text).Select(id => id % 512), ids);
        }

        Assert.Equal([50256 % 512], folded.EosTokenIds);
        Assert.Equal(512, folded.VocabSize);
        Assert.Contains("folded to 512", folded.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void HfTokenizerWithGpt2RulesMatchesGpt2()
    {
        // GPT-2's data ships as ranks (tiktoken), not merges: rebuild each token's merge the way the ranks imply,
        // write a tokenizer.json, and check our BPE reproduces the reference tokenizer.
        var reference = new Gpt2Tokenizer();
        var tokenById = new string[Gpt2Tokenizer.EndOfText];
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        // The byte-level ranks are not public in Microsoft.ML.Tokenizers 2.0.1; a test may look inside.
        var encoder = (IReadOnlyDictionary<ReadOnlyMemory<byte>, int>)typeof(TiktokenTokenizer)
            .GetProperty("Encoder", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!
            .GetValue(TiktokenTokenizer.CreateForModel("gpt2"))!;
        foreach ((ReadOnlyMemory<byte> bytes, int id) in encoder)
        {
            tokenById[id] = new string([.. bytes.ToArray().Select(ByteLevelAlphabet.ToChar)]);
            rank[tokenById[id]] = id;
        }

        var vocab = new JsonObject();
        var merges = new JsonArray();
        for (int id = 0; id < tokenById.Length; id++)
        {
            vocab[tokenById[id]] = id;
            if (tokenById[id].Length > 1)
            {
                (string left, string right) = LastMerge(tokenById[id], id, rank);
                merges.Add(JsonValue.Create($"{left} {right}"));
            }
        }

        using var files = new TokenizerJsonBuilder();
        JsonObject doc = TokenizerJsonBuilder.Document(
            vocab, merges, TokenizerJsonBuilder.ByteLevel(), new JsonArray(TokenizerJsonBuilder.AddedToken(Gpt2Tokenizer.EndOfText, "<|endoftext|>")));
        HfTokenizer hf = HfTokenizer.Load(files.Write(doc));
        foreach (string text in Samples.Append(string.Join(' ', Enumerable.Repeat("antidisestablishmentarianism internationalization", 5))))
        {
            Assert.Equal(reference.Encode(text), hf.Encode(text));
        }
    }

    [Fact]
    public void FoldingRejectsNonPositiveVocab() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new VocabFoldingTokenizer(new Gpt2Tokenizer(), 0));

    /// <summary>Rank-based BPE on the token's own bytes, allowing only lower ranks, stops at the final two parts.</summary>
    private static (string, string) LastMerge(string token, int tokenRank, Dictionary<string, int> rank)
    {
        List<string> parts = [.. token.Select(c => c.ToString())];
        while (parts.Count > 2)
        {
            int best = -1;
            int bestRank = tokenRank;
            for (int i = 0; i < parts.Count - 1; i++)
            {
                if (rank.TryGetValue(parts[i] + parts[i + 1], out int r) && r < bestRank)
                {
                    bestRank = r;
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }

        Assert.Equal(2, parts.Count);
        return (parts[0], parts[1]);
    }
}
