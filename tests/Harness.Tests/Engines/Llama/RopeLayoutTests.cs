using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Llama;

/// <summary>
/// The two rotary layouts are the same model under a permutation of q/k rows: converting a half-split checkpoint to
/// adjacent pairs (as llama2.c/GGUF exports do) must not change the logits.
/// </summary>
public sealed class RopeLayoutTests
{
    [Theory]
    [InlineData("tiny", DecodePath.Kernels)]
    [InlineData("tiny", DecodePath.Torch)]
    [InlineData("tiny-qwen", DecodePath.Kernels)]
    public void PermutedWeightsInTheOtherLayoutGiveTheSameLogits(string preset, DecodePath decode)
    {
        TorchRuntime.EnsureInitialized();
        using LoadedCheckpoint halfSplit = ModelPresets.Load(preset);
        LlamaConfig config = halfSplit.Config;
        Assert.Equal(RopeLayout.HalfSplit, config.RopeLayout);

        var permuted = new Dictionary<string, Tensor>();
        foreach ((string name, Tensor t) in halfSplit.Tensors)
        {
            bool isQ = name.EndsWith("q_proj.weight", StringComparison.Ordinal) || name.EndsWith("q_proj.bias", StringComparison.Ordinal);
            bool isK = name.EndsWith("k_proj.weight", StringComparison.Ordinal) || name.EndsWith("k_proj.bias", StringComparison.Ordinal);
            permuted[name] = isQ || isK ? ToAdjacentPairs(t, isQ ? config.NumHeads : config.NumKvHeads, config.HeadDim) : t.clone();
        }

        using var adjacent = new LoadedCheckpoint(config with { RopeLayout = RopeLayout.AdjacentPairs }, permuted, null, "permuted");
        using LlamaModel a = TestModels.FromCheckpoint(halfSplit, decode: decode);
        using LlamaModel b = TestModels.FromCheckpoint(adjacent, decode: decode);
        int[] ids = TestModels.SeededIds(24, config.VocabSize, seed: 7);

        float[][] la = TestModels.CachedLogits(a, ids, prefill: 12);
        float[][] lb = TestModels.CachedLogits(b, ids, prefill: 12);
        double worst = la.Zip(lb).Max(p => TestModels.MaxAbsDifference(p.First, p.Second));
        Assert.True(worst < 1e-4, $"max |logit difference| {worst:E2}");

        // The permutation is not the identity: the same weights read in the wrong layout must differ.
        using var wrong = new LoadedCheckpoint(config with { RopeLayout = RopeLayout.AdjacentPairs }, halfSplit.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone()), null, "unpermuted");
        using LlamaModel c = TestModels.FromCheckpoint(wrong, decode: decode);
        Assert.True(TestModels.MaxAbsDifference(la[^1], TestModels.CachedLogits(c, ids, prefill: 12)[^1]) > 1e-3);
    }

    /// <summary>Rows of each head [hd] reordered so half-split pair (i, i + hd/2) lands at (2i, 2i+1).</summary>
    private static Tensor ToAdjacentPairs(Tensor t, int heads, int headDim)
    {
        long[] shape = t.shape;
        using Tensor grouped = t.reshape([heads, 2, headDim / 2, .. shape[1..]]);
        using Tensor swapped = grouped.transpose(1, 2);
        return swapped.reshape(shape).contiguous();
    }
}
