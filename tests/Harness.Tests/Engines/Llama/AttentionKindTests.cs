using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Llama;

/// <summary>Fused and unfused attention are two implementations of one function.</summary>
public sealed class AttentionKindTests
{
    [Theory]
    [InlineData("tiny", Precision.Fp32, 1e-4)]
    [InlineData("tiny-qwen", Precision.Fp32, 1e-4)]
    [InlineData("tiny", Precision.Bf16, 0.1)]
    public void FusedEqualsUnfusedForPrefillAndDecode(string preset, Precision precision, double tolerance)
    {
        using LlamaModel fused = TestModels.Preset(preset, precision, AttentionKind.Fused);
        using LlamaModel unfused = TestModels.Preset(preset, precision, AttentionKind.Unfused);
        int[] ids = TestModels.SeededIds(90, fused.Config.VocabSize, seed: 3);

        float[][] a = TestModels.CachedLogits(fused, ids, prefill: 60);
        float[][] b = TestModels.CachedLogits(unfused, ids, prefill: 60);
        double worst = a.Zip(b).Max(p => TestModels.MaxAbsDifference(p.First, p.Second));
        Assert.True(worst < tolerance, $"max |logit difference| {worst:E2}");
    }

    [Theory]
    [InlineData(AttentionKind.Fused)]
    [InlineData(AttentionKind.Unfused)]
    public void PrefillInChunksAfterCachedTokensEqualsOnePass(AttentionKind attention)
    {
        // A multi-token step after cached positions needs a causal mask aligned to the bottom-right corner.
        using LlamaModel model = TestModels.Preset("tiny", attention: attention, decode: DecodePath.Torch);
        int[] ids = TestModels.SeededIds(50, model.Config.VocabSize, seed: 5);
        float[] whole = new float[model.Config.VocabSize];
        float[] chunked = new float[model.Config.VocabSize];
        using (ContiguousKvCache cache = model.NewCache())
        {
            model.Prefill(ids, cache, whole);
        }

        using (ContiguousKvCache cache = model.NewCache())
        {
            model.Prefill(ids.AsSpan(0, 20), cache, chunked);
            model.Prefill(ids.AsSpan(20, 30), cache, chunked);
            Assert.Equal(50, cache.Length);
        }

        Assert.True(TestModels.MaxAbsDifference(whole, chunked) < 1e-4);
    }
}
