using Harness.Cli;
using Harness.Engines;

namespace Harness.Tests.Harness.Cli;

public sealed class PromptIdsTests
{
    [Theory]
    [InlineData("1,2,3", new[] { 1, 2, 3 })]
    [InlineData(" 0 , 42,7 ", new[] { 0, 42, 7 })]
    [InlineData("5", new[] { 5 })]
    public void ParsesCommaSeparatedIds(string text, int[] expected) => Assert.Equal(expected, PromptIds.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("1,,2")]
    [InlineData("1,2,")]
    [InlineData("a,b")]
    [InlineData("1.5")]
    [InlineData("-3")]
    [InlineData("99999999999")]
    public void RejectsBadInput(string? text) => Assert.Throws<HarnessInputException>(() => PromptIds.Parse(text));

    [Fact]
    public void NegativeIsNamed() => Assert.Contains("negative", Assert.Throws<HarnessInputException>(() => PromptIds.Parse("1,-3")).Message, StringComparison.Ordinal);

    [Fact]
    public void OutOfVocabIdIsNamed()
    {
        PromptIds.EnsureInVocab([0, 511], 512);
        var ex = Assert.Throws<HarnessInputException>(() => PromptIds.EnsureInVocab([1, 600, 2], 512));
        Assert.Contains("600", ex.Message, StringComparison.Ordinal);
        Assert.Contains("512", ex.Message, StringComparison.Ordinal);
    }
}
