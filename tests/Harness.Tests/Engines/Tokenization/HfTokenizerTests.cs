using System.Text.Json.Nodes;
using Harness.Engines;
using Harness.Engines.Llama.Tokenization;

namespace Harness.Tests.Engines.Tokenization;

public sealed class HfTokenizerTests : IDisposable
{
    // Bytes have ids 0..255 (so 'h' = 104, ' ' = 32); the merges below create ids 256.. in this order.
    private static readonly string[] MergedTokens = ["Ġt", "he", "Ġthe", "ll", "hell", "hello", "12", "123"];
    private static readonly (string Left, string Right)[] Merges =
        [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("1", "2"), ("12", "3")];

    private const int EndOfText = 264;
    private const int ImStart = 265;

    private readonly TokenizerJsonBuilder files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public void ByteAlphabetIsGpt2s()
    {
        Assert.Equal('Ġ', ByteLevelAlphabet.ToChar((byte)' '));
        Assert.Equal('Ċ', ByteLevelAlphabet.ToChar((byte)'\n'));
        Assert.Equal('a', ByteLevelAlphabet.ToChar((byte)'a'));
        for (int b = 0; b < 256; b++)
        {
            Assert.Equal(b, ByteLevelAlphabet.ToByte(ByteLevelAlphabet.ToChar((byte)b)));
        }
    }

    [Theory]
    [InlineData("hello", new[] { 261 })]
    [InlineData("the hello", new[] { 116, 257, 32, 261 })]
    [InlineData(" the", new[] { 258 })]
    [InlineData("hell", new[] { 260 })]
    [InlineData("shell", new[] { 115, 260 })]
    [InlineData("helo", new[] { 257, 108, 111 })]
    public void MergesApplyByRank(string text, int[] expected) => Assert.Equal(expected, Load().Encode(text));

    [Fact]
    public void Gpt2RegexKeepsDigitRunsTogether()
    {
        // One piece "1234123": (1,2) merges at both places, then (12,3) at both.
        Assert.Equal([263, 52, 263], Load().Encode("1234123"));
    }

    [Fact]
    public void Llama3SplitPatternGroupsDigitsByThree()
    {
        // Pieces "123" "412" "3": merges cannot cross the piece boundaries.
        HfTokenizer tokenizer = Load(TokenizerJsonBuilder.Llama3PreTokenizer());
        Assert.Equal([263, 52, 262, 51], tokenizer.Encode("1234123"));
        Assert.Equal([116, 257, 32, 261], tokenizer.Encode("the hello"));
    }

    [Fact]
    public void DigitsPreTokenizerIsolatesEachDigit()
    {
        var pre = new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(new JsonObject { ["type"] = "Digits", ["individual_digits"] = true }, TokenizerJsonBuilder.ByteLevel()),
        };
        Assert.Equal([49, 50, 51], Load(pre).Encode("123"));
    }

    [Fact]
    public void AddPrefixSpaceActsOnTheFirstWord() =>
        Assert.Equal([32, 261], Load(TokenizerJsonBuilder.ByteLevel(addPrefixSpace: true)).Encode("hello"));

    [Fact]
    public void SpecialTokensAreMatchedVerbatim()
    {
        HfTokenizer tokenizer = Load();
        Assert.Equal([ImStart, 261, EndOfText], tokenizer.Encode("<|im_start|>hello<|endoftext|>"));
        Assert.Equal([261, EndOfText, 32, 261], tokenizer.Encode("hello<|endoftext|> hello"));

        // Not quite the token: plain bytes.
        Assert.Equal("<|endoftext|".Select(c => (int)c), tokenizer.Encode("<|endoftext|"));
        Assert.Equal("<|im_start|>hello<|endoftext|>", tokenizer.Decode([ImStart, 261, EndOfText]));
    }

    [Theory]
    [InlineData("hello, the world!\n\n  indented\ttab 1234567")]
    [InlineData("Grüße aus Köln — naïve café")]
    [InlineData("你好，世界 🎉👩‍👩‍👧 ∑ x² ≤ 10⁶")]
    [InlineData("   leading and trailing   ")]
    public void DecodeInvertsEncode(string text)
    {
        foreach (HfTokenizer tokenizer in new[] { Load(), Load(TokenizerJsonBuilder.Llama3PreTokenizer()) })
        {
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        }
    }

    [Fact]
    public void MultibyteTextEncodesAsItsUtf8Bytes()
    {
        // No merges cover these bytes: é is C3 A9, and the ids are the byte values.
        Assert.Equal([0xC3, 0xA9], Load().Encode("é"));
    }

    [Fact]
    public void MergeFormsGiveIdenticalResults()
    {
        var asArrays = new JsonArray([.. Merges.Select(m => (JsonNode)new JsonArray(m.Left, m.Right))]);
        HfTokenizer fromStrings = Load();
        HfTokenizer fromArrays = HfTokenizer.Load(files.Write(Document(TokenizerJsonBuilder.ByteLevel(), merges: asArrays), "arrays.json"));
        foreach (string text in (string[])["hello the hello", "1234123", "shell <|endoftext|> the", "Grüße 🎉"])
        {
            Assert.Equal(fromStrings.Encode(text), fromArrays.Encode(text));
        }
    }

    [Fact]
    public void IgnoreMergesTakesWholeWordsFromTheVocab()
    {
        // "xyz" is in the vocabulary but no merge builds it.
        JsonObject vocab = TokenizerJsonBuilder.ByteVocab("xyz");
        HfTokenizer plain = HfTokenizer.Load(files.Write(TokenizerJsonBuilder.Document(vocab, [], TokenizerJsonBuilder.ByteLevel()), "a.json"));
        HfTokenizer ignoring = HfTokenizer.Load(files.Write(
            TokenizerJsonBuilder.Document(TokenizerJsonBuilder.ByteVocab("xyz"), [], TokenizerJsonBuilder.ByteLevel(), ignoreMerges: true), "b.json"));
        Assert.Equal([120, 121, 122], plain.Encode("xyz"));
        Assert.Equal([256], ignoring.Encode("xyz"));
    }

    [Fact]
    public void NfcNormalizerIsAccepted()
    {
        // Qwen2 declares NFC. The project runs with invariant globalization, where string.Normalize is a no-op,
        // so only already-composed text (the usual case) is checked here.
        var doc = Document(TokenizerJsonBuilder.ByteLevel());
        doc["normalizer"] = new JsonObject { ["type"] = "Sequence", ["normalizers"] = new JsonArray(new JsonObject { ["type"] = "NFC" }) };
        HfTokenizer tokenizer = HfTokenizer.Load(files.Write(doc));
        Assert.Equal([0xC3, 0xA9, 32, 261], tokenizer.Encode("\u00e9 hello"));
    }

    [Fact]
    public void UnsupportedNormalizerIsNamed()
    {
        var doc = Document(TokenizerJsonBuilder.ByteLevel());
        doc["normalizer"] = new JsonObject { ["type"] = "Lowercase" };
        var ex = Assert.Throws<EngineException>(() => HfTokenizer.Load(files.Write(doc)));
        Assert.Contains("Lowercase", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsSizeAndName()
    {
        HfTokenizer tokenizer = Load();
        Assert.Equal(266, tokenizer.VocabSize);
        Assert.Contains("byte-level BPE", tokenizer.Name, StringComparison.Ordinal);
        Assert.Null(tokenizer.BosTokenId);
        Assert.Empty(tokenizer.EosTokenIds);
    }

    [Fact]
    public void DecodeSkipsUnknownIds() => Assert.Equal("hello", Load().Decode([261, 9999, -1]));

    [Fact]
    public void SpecialIdsComeFromSidecarFilesUnlessGiven()
    {
        string path = files.Write(Document(TokenizerJsonBuilder.ByteLevel()));
        files.Write("""{"bos_token": {"content": "<|im_start|>"}, "eos_token": "<|endoftext|>"}""", "tokenizer_config.json");
        HfTokenizer fromTokenizerConfig = HfTokenizer.Load(path);
        Assert.Equal(ImStart, fromTokenizerConfig.BosTokenId);
        Assert.Equal([EndOfText], fromTokenizerConfig.EosTokenIds);

        files.Write("""{"bos_token_id": 1, "eos_token_id": [2, 3]}""", "config.json");
        HfTokenizer fromConfig = HfTokenizer.Load(path);
        Assert.Equal(1, fromConfig.BosTokenId);
        Assert.Equal([2, 3], fromConfig.EosTokenIds);

        HfTokenizer given = HfTokenizer.Load(path, bosTokenId: 7, eosTokenIds: [8]);
        Assert.Equal(7, given.BosTokenId);
        Assert.Equal([8], given.EosTokenIds);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        string path = Path.Combine(files.Directory, "nope", "tokenizer.json");
        var ex = Assert.Throws<EngineException>(() => HfTokenizer.Load(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidJsonNamesThePath()
    {
        string path = files.Write("{ not json");
        var ex = Assert.Throws<EngineException>(() => HfTokenizer.Load(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedStructureIsAnEngineException()
    {
        string path = files.Write("""{"model": {"type": "BPE", "vocab": [1, 2]}, "pre_tokenizer": {"type": "ByteLevel"}}""");
        Assert.Throws<EngineException>(() => HfTokenizer.Load(path));
        Assert.Throws<EngineException>(() => HfTokenizer.Load(files.Write("""{"version": "1.0"}""", "empty.json")));
    }

    [Theory]
    [InlineData("WordPiece")]
    [InlineData("Unigram")]
    [InlineData("WordLevel")]
    public void UnsupportedModelTypesAreNamed(string type)
    {
        JsonObject doc = Document(TokenizerJsonBuilder.ByteLevel());
        doc["model"]!["type"] = type;
        string path = files.Write(doc);
        var ex = Assert.Throws<EngineException>(() => HfTokenizer.Load(path));
        Assert.Contains(type, ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SentencePieceStyleBpeIsRejected()
    {
        // Llama 2 / Mistral conversions: BPE over "▁"-joined text with byte fallback, no ByteLevel step.
        var metaspace = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = "first" };
        var ex = Assert.Throws<EngineException>(() => HfTokenizer.Load(files.Write(Document(metaspace))));
        Assert.Contains("Metaspace", ex.Message, StringComparison.Ordinal);

        var ex2 = Assert.Throws<EngineException>(() => HfTokenizer.Load(files.Write(Document(null), "none.json")));
        Assert.Contains("ByteLevel", ex2.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"a b c\"")]
    [InlineData("[\"a\"]")]
    [InlineData("\"x q\"")]
    public void BadMergesAreRejected(string merge)
    {
        JsonObject doc = Document(TokenizerJsonBuilder.ByteLevel());
        doc["model"]!["merges"] = JsonNode.Parse($"[{merge}]");
        Assert.Throws<EngineException>(() => HfTokenizer.Load(files.Write(doc)));
    }

    [Fact]
    public void VocabWithoutEveryByteIsRejected()
    {
        var vocab = new JsonObject { ["a"] = 0 };
        var ex = Assert.Throws<EngineException>(() => HfTokenizer.Load(files.Write(TokenizerJsonBuilder.Document(vocab, [], TokenizerJsonBuilder.ByteLevel()))));
        Assert.Contains("byte", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidSplitRegexIsAnEngineException()
    {
        var pre = new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(
                new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = "(unclosed" }, ["behavior"] = "Isolated" },
                TokenizerJsonBuilder.ByteLevel(useRegex: false)),
        };
        Assert.Throws<EngineException>(() => Load(pre));
    }

    private static JsonObject Document(JsonNode? preTokenizer, JsonArray? merges = null) =>
        TokenizerJsonBuilder.Document(
            TokenizerJsonBuilder.ByteVocab(MergedTokens),
            merges ?? new JsonArray([.. Merges.Select(m => (JsonNode)JsonValue.Create($"{m.Left} {m.Right}"))]),
            preTokenizer,
            new JsonArray(TokenizerJsonBuilder.AddedToken(EndOfText, "<|endoftext|>"), TokenizerJsonBuilder.AddedToken(ImStart, "<|im_start|>")));

    private HfTokenizer Load(JsonNode? preTokenizer = null) =>
        HfTokenizer.Load(files.Write(Document(preTokenizer ?? TokenizerJsonBuilder.ByteLevel()), $"{Guid.NewGuid():N}.json"));
}
