using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Llama;

/// <summary>Builds small models for tests from checkpoints or presets.</summary>
internal static class TestModels
{
    public static LlamaModel FromCheckpoint(
        LoadedCheckpoint checkpoint,
        Precision precision = Precision.Fp32,
        AttentionKind attention = AttentionKind.Fused,
        DecodePath decode = DecodePath.Kernels,
        int context = 256,
        int maxBatch = 1,
        Int4Options? int4 = null,
        int tensorParallel = 1,
        PrefillPath? prefill = null)
    {
        TorchRuntime.EnsureInitialized();
        LlamaWeights weights = LlamaWeights.Create(checkpoint.Config, precision, checkpoint.TryGet, int4);
        PrefillPath path = prefill ?? (tensorParallel > 1 ? PrefillPath.Kernels : PrefillPath.Torch);
        return new LlamaModel(weights, context, attention, decode, new KernelDecoderFactory(2, maxBatch, tensorParallel), prefillPath: path);
    }

    public static LlamaModel Preset(
        string name,
        Precision precision = Precision.Fp32,
        AttentionKind attention = AttentionKind.Fused,
        DecodePath decode = DecodePath.Kernels,
        int context = 256,
        int maxBatch = 1,
        int tensorParallel = 1,
        PrefillPath? prefill = null)
    {
        TorchRuntime.EnsureInitialized();
        using LoadedCheckpoint checkpoint = ModelPresets.Load(name);
        return FromCheckpoint(checkpoint, precision, attention, decode, context, maxBatch, tensorParallel: tensorParallel, prefill: prefill);
    }

    public static LlamaModel Stories260K(
        Precision precision = Precision.Fp32,
        AttentionKind attention = AttentionKind.Fused,
        DecodePath decode = DecodePath.Kernels,
        int context = 512,
        Int4Options? int4 = null,
        int tensorParallel = 1,
        PrefillPath? prefill = null,
        int maxBatch = 1)
    {
        TorchRuntime.EnsureInitialized();
        using LoadedCheckpoint checkpoint = Llama2cCheckpoint.Load(SharedData.Stories260K);
        return FromCheckpoint(checkpoint, precision, attention, decode, context, maxBatch, int4, tensorParallel, prefill);
    }

    /// <summary>Greedy continuation through the model's own prefill and decode paths (no engine thread).</summary>
    public static int[] Greedy(LlamaModel model, IReadOnlyList<int> prompt, int newTokens)
    {
        using ContiguousKvCache cache = model.NewCache();
        float[] logits = new float[model.Config.VocabSize];
        model.Prefill([.. prompt], cache, logits);
        var output = new List<int>();
        while (true)
        {
            int next = Logits.ArgMax(logits);
            output.Add(next);
            if (output.Count == newTokens)
            {
                return [.. output];
            }

            model.Decode(next, cache, logits);
        }
    }

    /// <summary>Logits at every position when the sequence is fed as a prompt prefix then decoded token by token.</summary>
    public static float[][] CachedLogits(LlamaModel model, IReadOnlyList<int> ids, int prefill)
    {
        using ContiguousKvCache cache = model.NewCache();
        var rows = new List<float[]>();
        using (Tensor all = model.SequenceLogits([.. ids.Take(prefill)]))
        {
            for (int i = 0; i < prefill; i++)
            {
                rows.Add(all[i].data<float>().ToArray());
            }
        }

        float[] logits = new float[model.Config.VocabSize];
        model.Prefill([.. ids.Take(prefill)], cache, logits);
        for (int i = prefill; i < ids.Count; i++)
        {
            model.Decode(ids[i], cache, logits);
            rows.Add([.. logits]);
        }

        return [.. rows];
    }

    public static float[][] FullLogits(LlamaModel model, IReadOnlyList<int> ids)
    {
        using Tensor all = model.SequenceLogits([.. ids]);
        return [.. Enumerable.Range(0, ids.Count).Select(i => all[i].data<float>().ToArray())];
    }

    public static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    public static int[] SeededIds(int count, int vocab, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(3, vocab))];
    }
}
