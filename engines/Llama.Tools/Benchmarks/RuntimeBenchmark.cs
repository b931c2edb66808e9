using System.Diagnostics;
using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using Harness.Engines.Statistics;
using TorchSharp;

namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>
/// Single-stream prefill and decode speed of the Llama engine per precision, against the machine's own memory
/// bandwidth roofline (bandwidth / weight bytes read per decode token), plus fused vs unfused attention on a long
/// prefill. Variants are measured interleaved within each repetition so drift on a shared machine hits all alike, and
/// every repetition re-measures the bandwidth so each decode sample is judged against the roofline of its own moment;
/// medians are reported.
/// </summary>
internal sealed class RuntimeBenchmark
{
    public required string ModelSpec { get; init; }

    public required IReadOnlyList<Precision> Precisions { get; init; }

    public int PromptTokens { get; init; } = 128;

    public int DecodeTokens { get; init; } = 64;

    public int Repetitions { get; init; } = 5;

    public int AttentionPrefillTokens { get; init; } = 2048;

    /// <summary>Repetitions of the long fused/unfused prefill (the slowest part; its spread is small).</summary>
    public int AttentionRepetitions { get; init; } = 3;

    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>How int4 weights are quantised.</summary>
    public Int4Options Int4 { get; init; } = Int4Options.Default;

    /// <summary>Batch sizes for the batched-decode curve (empty = skip): B sequences decoded per step.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [];

    public long ProbeArrayBytes { get; init; } = MemoryBandwidthProbe.DefaultArrayBytes;

    public RuntimeBenchmarkResult Run(Action<string> log)
    {
        TorchRuntime.EnsureInitialized();
        torch.set_num_threads(Threads);
        string loadBefore = MachineLoad.LoadAverage();

        using var probePool = new KernelThreadPool(Threads);
        log($"probing memory bandwidth ({ProbeArrayBytes >> 20} MiB arrays, {Threads} threads)...");
        MemoryBandwidth bandwidth = MemoryBandwidthProbe.Measure(probePool, ProbeArrayBytes, repetitions: 5);
        List<double> readGBps = [];

        int context = Math.Max(PromptTokens + DecodeTokens, AttentionPrefillTokens) + 1;
        var variants = new List<(Precision Precision, LlamaWeights Weights, LlamaModel Kernels, LlamaModel Torch, LlamaModel Unfused)>();
        LlamaConfig config;
        using (LoadedCheckpoint checkpoint = CheckpointLoader.Load(Engines.Llama.Checkpoints.ModelSpec.Parse(ModelSpec)))
        {
            checkpoint.Validate();
            config = checkpoint.Config;
            if (context > config.MaxPositions)
            {
                throw new EngineException($"the benchmark needs {context} positions but the model has {config.MaxPositions}");
            }

            foreach (Precision precision in Precisions)
            {
                log($"building {precision.Name()} weights...");
                LlamaWeights weights = LlamaWeights.Create(config, precision, checkpoint.TryGet, Int4);
                variants.Add((
                    precision,
                    weights,
                    new LlamaModel(weights, context, AttentionKind.Fused, DecodePath.Kernels, new KernelDecoderFactory(Threads, BatchSizes.Count > 0 ? BatchSizes.Max() : 1), ownsWeights: false),
                    new LlamaModel(weights, context, AttentionKind.Fused, DecodePath.Torch, ownsWeights: false),
                    new LlamaModel(weights, context, AttentionKind.Unfused, DecodePath.Torch, ownsWeights: false)));
            }
        }

        try
        {
            var random = new Random(1234);
            int[] prompt = [.. Enumerable.Range(0, PromptTokens).Select(_ => random.Next(config.VocabSize))];
            int[] longPrompt = [.. Enumerable.Range(0, AttentionPrefillTokens).Select(_ => random.Next(config.VocabSize))];
            var samples = variants.ToDictionary(v => v.Precision, _ => new Samples());

            // One untimed pass of everything: first-touch page faults, JIT, libtorch's lazy initialisation.
            foreach (var v in variants)
            {
                ModelTimer.PrefillThenDecode(v.Kernels, [prompt], 4);
                ModelTimer.PrefillThenDecode(v.Torch, [prompt], 4);
            }

            for (int rep = 0; rep < Repetitions; rep++)
            {
                log($"repetition {rep + 1}/{Repetitions}");
                double repGBps = MemoryBandwidthProbe.Measure(probePool, ProbeArrayBytes, repetitions: 3).ReadMedianGBps;
                readGBps.Add(repGBps);
                foreach (var v in variants)
                {
                    Samples s = samples[v.Precision];
                    (double prefill, double decode) = ModelTimer.PrefillThenDecode(v.Kernels, [prompt], DecodeTokens);
                    s.Prefill.Add(prefill);
                    s.Decode.Add(decode);
                    s.Fraction.Add(decode * v.Weights.BytesReadPerToken / (repGBps * 1e9));
                    double gemvOnly = WeightStreamProbe.TokensPerSecond(v.Weights, probePool, passes: 9);
                    s.GemvOnlyFraction.Add(gemvOnly * v.Weights.BytesReadPerToken / (repGBps * 1e9));
                    s.TorchDecode.Add(ModelTimer.PrefillThenDecode(v.Torch, [prompt], DecodeTokens).Decode);
                    foreach (int size in BatchSizes)
                    {
                        if (!s.BatchDecode.TryGetValue(size, out List<double>? list))
                        {
                            s.BatchDecode[size] = list = [];
                        }

                        list.Add(TimeBatchDecode(v.Kernels, size, DecodeTokens / 2));
                    }

                    if (AttentionPrefillTokens > 0 && rep < AttentionRepetitions)
                    {
                        s.FusedLongPrefillMs.Add(ModelTimer.PrefillMs(v.Torch, longPrompt));
                        s.UnfusedLongPrefillMs.Add(ModelTimer.PrefillMs(v.Unfused, longPrompt));
                    }
                }
            }

            var rows = variants.Select(v =>
            {
                Samples s = samples[v.Precision];
                long bytesPerToken = v.Weights.BytesReadPerToken;
                double rooflineTokensPerS = Percentile.Median(readGBps) * 1e9 / bytesPerToken;
                double decode = Percentile.Median(s.Decode);
                return new RuntimeBenchmarkRow(
                    v.Precision.Name(),
                    v.Weights.Bytes,
                    bytesPerToken,
                    Percentile.Median(s.Prefill),
                    decode,
                    Percentile.Median(s.TorchDecode),
                    rooflineTokensPerS,
                    Percentile.Median(s.Fraction),
                    Percentile.Median(s.GemvOnlyFraction),
                    decode * bytesPerToken / 1e9,
                    AttentionPrefillTokens > 0 ? Percentile.Median(s.FusedLongPrefillMs) : double.NaN,
                    AttentionPrefillTokens > 0 ? Percentile.Median(s.UnfusedLongPrefillMs) : double.NaN,
                    s.Prefill.ToArray(),
                    s.Decode.ToArray(),
                    s.TorchDecode.ToArray(),
                    s.Fraction.ToArray(),
                    s.BatchDecode.ToDictionary(p => p.Key, p => Percentile.Median(p.Value)));
            }).ToList();

            return new RuntimeBenchmarkResult(
                ModelSpec,
                MachineLoad.CpuModel(),
                Environment.ProcessorCount,
                Threads,
                loadBefore,
                MachineLoad.LoadAverage(),
                bandwidth,
                [.. readGBps],
                PromptTokens,
                DecodeTokens,
                AttentionPrefillTokens,
                Repetitions,
                Math.Min(AttentionRepetitions, Repetitions),
                rows);
        }
        finally
        {
            foreach (var v in variants)
            {
                v.Kernels.Dispose();
                v.Torch.Dispose();
                v.Unfused.Dispose();
                v.Weights.Dispose();
            }
        }
    }

    /// <summary>Aggregate decode tokens/s of <paramref name="batch"/> sequences (16-token prompts) stepped together.</summary>
    private static double TimeBatchDecode(LlamaModel model, int batch, int steps)
    {
        var caches = Enumerable.Range(0, batch).Select(_ => model.NewCache()).ToList();
        try
        {
            int vocab = model.Config.VocabSize;
            float[] logits = new float[batch * vocab];
            int[] ids = new int[batch];
            for (int b = 0; b < batch; b++)
            {
                model.Prefill([.. Enumerable.Range(1 + b, 16)], caches[b], logits.AsSpan(0, vocab));
                ids[b] = Logits.ArgMax(logits.AsSpan(0, vocab));
            }

            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                model.DecodeBatch(ids, caches, logits);
            }

            return batch * steps / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            foreach (ContiguousKvCache c in caches)
            {
                c.Dispose();
            }
        }
    }


    private sealed class Samples
    {
        public List<double> Prefill { get; } = [];

        public List<double> Decode { get; } = [];

        public List<double> TorchDecode { get; } = [];

        /// <summary>Aggregate tokens/s per batch size.</summary>
        public Dictionary<int, List<double>> BatchDecode { get; } = [];

        /// <summary>Decode speed over the roofline of the same repetition's bandwidth probe.</summary>
        public List<double> Fraction { get; } = [];

        /// <summary>The same for the step's GEMVs alone (<see cref="WeightStreamProbe"/>).</summary>
        public List<double> GemvOnlyFraction { get; } = [];

        public List<double> FusedLongPrefillMs { get; } = [];

        public List<double> UnfusedLongPrefillMs { get; } = [];
    }
}
