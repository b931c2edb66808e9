using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Checkpoints;

public sealed class ModelPresetsTests
{
    public ModelPresetsTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void SameSeedGivesBitIdenticalTensors()
    {
        using LoadedCheckpoint a = ModelPresets.Load("tiny-qwen", seed: 5);
        using LoadedCheckpoint b = ModelPresets.Load("tiny-qwen", seed: 5);
        using LoadedCheckpoint c = ModelPresets.Load("tiny-qwen", seed: 6);
        foreach ((string name, Tensor t) in a.Tensors)
        {
            Assert.True(TensorAssert.BitEqual(t, b[name]), name);
        }

        Assert.False(TensorAssert.BitEqual(a[LlamaTensorNames.Embed], c[LlamaTensorNames.Embed]));
    }

    [Theory]
    [InlineData("tiny", false, false)]
    [InlineData("tiny-qwen", true, true)]
    public void TinyPresetsHaveValidShapesAndValues(string name, bool bias, bool tied)
    {
        using LoadedCheckpoint ckpt = ModelPresets.Load(name);
        Assert.Equal(bias, ckpt.Config.AttentionBias);
        Assert.Equal(tied, ckpt.Config.TieEmbeddings);
        Assert.Equal(tied, ckpt.TryGet(LlamaTensorNames.LmHead) is null);
        Assert.Equal(bias, ckpt.TryGet(LlamaTensorNames.Layer(0, LlamaTensorNames.QBias)) is not null);
        Assert.Equal(ckpt.Config.ParameterCount, ckpt.Tensors.Values.Sum(t => t.NumberOfElements));
        Assert.All(ckpt.Tensors.Values, t => Assert.Equal(ScalarType.Float32, t.dtype));
        Assert.Null(ckpt.TokenizerJsonPath);
        Assert.True(ckpt[LlamaTensorNames.FinalNorm].eq(1).all().item<bool>());
        double std = ckpt[LlamaTensorNames.Embed].std().item<float>();
        Assert.InRange(std, 0.018, 0.022);
    }

    [Fact]
    public void SmolLm2ParameterCountMatchesThePublishedModel()
    {
        // HuggingFaceTB/SmolLM2-135M reports 134,515,008 parameters (tied embeddings counted once).
        LlamaConfig c = ModelPresets.Config("smollm2-135m");
        Assert.Equal(134_515_008, c.ParameterCount);
        Assert.Equal((0, 8192, 100000.0), (c.BosTokenId ?? -1, c.MaxPositions, c.RopeTheta));
    }

    [Fact]
    public void LargePresetConfigsMatchTheirModels()
    {
        LlamaConfig qwen = ModelPresets.Config("qwen2.5-0.5b");
        Assert.True(qwen.AttentionBias && qwen.TieEmbeddings);
        Assert.Equal(494_032_768, qwen.ParameterCount); // Qwen2.5-0.5B: 0.49B
        LlamaConfig llama = ModelPresets.Config("llama3.2-1b");
        Assert.Equal(new RopeScaling(32, 1, 4, 8192), llama.RopeScaling);
        Assert.Equal(1_235_814_400, llama.ParameterCount); // Llama 3.2 1B: 1.24B
    }

    [Fact]
    public void NamesListEveryPreset() =>
        Assert.All(ModelPresets.Names, n => Assert.True(ModelPresets.Contains(n) && ModelPresets.Config(n).VocabSize > 0, n));
}
