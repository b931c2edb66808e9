using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;

namespace Harness.Tests.Engines.Checkpoints;

public sealed class ModelSpecTests
{
    [Theory]
    [InlineData("hf:/models/smol", ModelSpecKind.HuggingFace, "/models/smol")]
    [InlineData("llama2c:stories.bin", ModelSpecKind.Llama2c, "stories.bin")]
    [InlineData("preset:tiny", ModelSpecKind.Preset, "tiny")]
    [InlineData("preset:SmolLM2-135M", ModelSpecKind.Preset, "smollm2-135m")]
    public void ParsesAcceptedForms(string text, ModelSpecKind kind, string location)
    {
        ModelSpec spec = ModelSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(location, spec.Location);
    }

    [Theory]
    [InlineData("gguf:model.gguf")]
    [InlineData("/models/smol")]
    [InlineData("")]
    [InlineData("hf:")]
    public void RejectsOtherFormsListingTheAcceptedOnes(string text)
    {
        var ex = Assert.Throws<EngineException>(() => ModelSpec.Parse(text));
        Assert.Contains("hf:DIR", ex.Message, StringComparison.Ordinal);
        Assert.Contains("llama2c:FILE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("smollm2-135m", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownPresetListsPresetNames()
    {
        var ex = Assert.Throws<EngineException>(() => ModelSpec.Parse("preset:gpt-5"));
        Assert.Contains("gpt-5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("llama3.2-1b", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTripsThroughToString() =>
        Assert.Equal("llama2c:/x/y.bin", ModelSpec.Parse("llama2c:/x/y.bin").ToString());
}
