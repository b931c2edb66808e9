using System.Diagnostics;
using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>Wall-clock timings of a model's prefill and greedy decode, shared by the benchmarks.</summary>
public static class ModelTimer
{
    /// <summary>
    /// Prefills every prompt (one sequence each), then decodes all sequences together for <paramref name="steps"/> steps,
    /// each step feeding back every sequence's greedy token. Returns prefill tokens/s over all prompts and decode
    /// tokens/s over all sequences.
    /// </summary>
    public static (double Prefill, double Decode) PrefillThenDecode(LlamaModel model, IReadOnlyList<int[]> prompts, int steps)
    {
        var caches = prompts.Select(_ => model.NewCache()).ToList();
        try
        {
            int vocab = model.Config.VocabSize, batch = prompts.Count;
            float[] logits = new float[batch * vocab];
            int[] ids = new int[batch];
            long start = Stopwatch.GetTimestamp();
            for (int b = 0; b < batch; b++)
            {
                model.Prefill(prompts[b], caches[b], logits.AsSpan(0, vocab));
                ids[b] = Logits.ArgMax(logits.AsSpan(0, vocab));
            }

            long prefilled = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                model.DecodeBatch(ids, caches, logits);
                for (int b = 0; b < batch; b++)
                {
                    ids[b] = Logits.ArgMax(logits.AsSpan(b * vocab, vocab));
                }
            }

            long end = Stopwatch.GetTimestamp();
            return (prompts.Sum(p => p.Length) / Stopwatch.GetElapsedTime(start, prefilled).TotalSeconds,
                batch * steps / Stopwatch.GetElapsedTime(prefilled, end).TotalSeconds);
        }
        finally
        {
            foreach (ContiguousKvCache c in caches)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>Milliseconds to prefill one prompt.</summary>
    public static double PrefillMs(LlamaModel model, int[] prompt)
    {
        using ContiguousKvCache cache = model.NewCache();
        float[] logits = new float[model.Config.VocabSize];
        long start = Stopwatch.GetTimestamp();
        model.Prefill(prompt, cache, logits);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
