using Harness.Engines.Llama.Model;
using Harness.Tests.Engines.Llama;

namespace Harness.Tests.Engines.KvCache;

/// <summary>Decoding with the KV cache gives the logits of recomputing the whole sequence from scratch.</summary>
public sealed class KvCacheTests
{
    [Theory]
    [InlineData("tiny", Precision.Fp32, DecodePath.Kernels, 1e-4)]
    [InlineData("tiny", Precision.Fp32, DecodePath.Torch, 1e-4)]
    [InlineData("tiny-qwen", Precision.Fp32, DecodePath.Kernels, 1e-4)]
    [InlineData("tiny", Precision.Bf16, DecodePath.Kernels, 0.1)]
    [InlineData("tiny", Precision.Bf16, DecodePath.Torch, 0.1)]
    public void CachedDecodeEqualsFullRecompute(string preset, Precision precision, DecodePath decode, double tolerance)
    {
        using LlamaModel model = TestModels.Preset(preset, precision, decode: decode);
        int[] ids = TestModels.SeededIds(40, model.Config.VocabSize, seed: 11);
        float[][] cached = TestModels.CachedLogits(model, ids, prefill: 8);
        float[][] full = TestModels.FullLogits(model, ids);
        double worst = cached.Zip(full).Max(p => TestModels.MaxAbsDifference(p.First, p.Second));
        Assert.True(worst < tolerance, $"max |logit difference| {worst:E2}");
    }

    [Fact]
    public void Bf16StaysCloseToFp32()
    {
        using LlamaModel fp32 = TestModels.Preset("tiny");
        using LlamaModel bf16 = TestModels.Preset("tiny", Precision.Bf16);
        int[] ids = TestModels.SeededIds(20, fp32.Config.VocabSize, seed: 13);
        double worst = TestModels.FullLogits(fp32, ids).Zip(TestModels.FullLogits(bf16, ids)).Max(p => TestModels.MaxAbsDifference(p.First, p.Second));

        // Random preset weights give logits of order 0.1-1: bf16's 8-bit mantissa moves them by a few 1e-3, not more.
        Assert.InRange(worst, 1e-6, 0.05);
        Assert.Equal(fp32.Weights.Bytes, 2 * bf16.Weights.Bytes, tolerance: 4 * fp32.Config.HiddenSize * (2 * fp32.Config.NumLayers + 1));
    }
}
