using System.Text.Json.Nodes;
using Harness.Engines;
using Harness.Engines.Llama.Tokenization;

namespace Harness.Tests.Engines.Tokenization;

public sealed class TokenizerFactoryTests
{
    [Fact]
    public void SyntheticSmallVocabGetsFoldedGpt2()
    {
        ITokenizer? tokenizer = TokenizerFactory.ForModel(null, 512, bosTokenId: 1, eosTokenIds: [2], synthetic: true);
        Assert.IsType<VocabFoldingTokenizer>(tokenizer);
        Assert.All(tokenizer.Encode("Hello world, synthetic model"), id => Assert.InRange(id, 0, 511));
    }

    [Fact]
    public void SyntheticFullVocabGetsPlainGpt2() =>
        Assert.IsType<Gpt2Tokenizer>(TokenizerFactory.ForModel(null, 50304, null, [], synthetic: true));

    [Fact]
    public void NoTokenizerMeansTokenIdMode() => Assert.Null(TokenizerFactory.ForModel(null, 32000, 1, [2], synthetic: false));

    [Fact]
    public void TokenizerJsonWinsAndTakesTheModelsSpecialIds()
    {
        using var files = new TokenizerJsonBuilder();
        string path = files.Write(TokenizerJsonBuilder.Document(TokenizerJsonBuilder.ByteVocab(), [], TokenizerJsonBuilder.ByteLevel()));
        Assert.Equal(path, TokenizerFactory.FindTokenizerJson(files.Directory));
        ITokenizer? tokenizer = TokenizerFactory.ForModel(path, 300, bosTokenId: 5, eosTokenIds: [6, 7], synthetic: true);
        HfTokenizer hf = Assert.IsType<HfTokenizer>(tokenizer);
        Assert.Equal(5, hf.BosTokenId);
        Assert.Equal([6, 7], hf.EosTokenIds);
    }

    [Fact]
    public void TokenizerLargerThanTheModelIsRejected()
    {
        using var files = new TokenizerJsonBuilder();
        string path = files.Write(TokenizerJsonBuilder.Document(TokenizerJsonBuilder.ByteVocab(), [], TokenizerJsonBuilder.ByteLevel()));
        var ex = Assert.Throws<EngineException>(() => TokenizerFactory.ForModel(path, 100, null, [], synthetic: false));
        Assert.Contains("vocab_size is 100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingGivenPathIsAnEngineException()
    {
        Assert.Throws<EngineException>(() => TokenizerFactory.ForModel("/nonexistent/tokenizer.json", 100, null, [], synthetic: false));
        Assert.Null(TokenizerFactory.FindTokenizerJson("/nonexistent"));
    }
}
