using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using Harness.Engines.Statistics;
using TorchSharp;

namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>
/// Prefill and decode of one model split over each tensor-parallel size, on the same weights and cores, with each
/// size's time breakdown (per-rank compute, communication, idle). Every size prefills through the kernel decoder so the
/// sizes differ only in the split; libtorch prefill of the unsplit model is timed alongside as the reference the
/// engine uses at size 1. Sizes are measured interleaved within each repetition, so drift on a shared machine hits all
/// alike; speeds are medians, and speed-ups are also given per repetition.
/// </summary>
internal sealed class TensorParallelBenchmark
{
    public required string ModelSpec { get; init; }

    public required IReadOnlyList<int> Sizes { get; init; }

    public Precision Precision { get; init; } = Precision.Fp32;

    public int PromptTokens { get; init; } = 128;

    public int DecodeTokens { get; init; } = 32;

    /// <summary>Sequences decoded together per step.</summary>
    public int Batch { get; init; } = 1;

    public int Repetitions { get; init; } = 5;

    public int Threads { get; init; } = Environment.ProcessorCount;

    public TensorParallelBenchmarkResult Run(Action<string> log)
    {
        TorchRuntime.EnsureInitialized();
        torch.set_num_threads(Threads);
        string loadBefore = MachineLoad.LoadAverage();
        using LoadedCheckpoint checkpoint = CheckpointLoader.Load(Engines.Llama.Checkpoints.ModelSpec.Parse(ModelSpec));
        checkpoint.Validate();
        int context = PromptTokens + DecodeTokens + 1;
        if (context > checkpoint.Config.MaxPositions)
        {
            throw new EngineException($"the benchmark needs {context} positions but the model has {checkpoint.Config.MaxPositions}");
        }

        log($"building {Precision.Name()} weights...");
        using LlamaWeights weights = LlamaWeights.Create(checkpoint.Config, Precision, checkpoint.TryGet);
        var models = new List<LlamaModel>();
        try
        {
            foreach (int size in Sizes)
            {
                log($"splitting over {size} rank(s)...");
                models.Add(new LlamaModel(weights, context, AttentionKind.Fused, DecodePath.Kernels, new KernelDecoderFactory(Threads, Batch, size), ownsWeights: false, prefillPath: PrefillPath.Kernels));
            }

            using var torchPrefill = new LlamaModel(weights, context, AttentionKind.Fused, DecodePath.Torch, ownsWeights: false);
            return Measure(models, torchPrefill, weights, loadBefore, log);
        }
        finally
        {
            foreach (LlamaModel m in models)
            {
                m.Dispose();
            }
        }
    }

    private TensorParallelBenchmarkResult Measure(List<LlamaModel> models, LlamaModel torchPrefill, LlamaWeights weights, string loadBefore, Action<string> log)
    {
        var random = new Random(1234);
        int vocab = weights.Config.VocabSize;
        int[][] prompts = [.. Enumerable.Range(0, Batch).Select(_ => Enumerable.Range(0, PromptTokens).Select(_ => random.Next(vocab)).ToArray())];
        var samples = models.Select(_ => new Samples()).ToArray();
        var torchPrefillSamples = new List<double>();

        // One untimed pass of everything (first-touch page faults, JIT, libtorch's lazy set-up), then drop its times.
        foreach (LlamaModel m in models)
        {
            ModelTimer.PrefillThenDecode(m, prompts, 4);
            m.TakeParallelProfile();
        }

        ModelTimer.PrefillMs(torchPrefill, prompts[0]);
        for (int rep = 0; rep < Repetitions; rep++)
        {
            log($"repetition {rep + 1}/{Repetitions}");
            for (int i = 0; i < models.Count; i++)
            {
                (double prefill, double decode) = ModelTimer.PrefillThenDecode(models[i], prompts, DecodeTokens);
                samples[i].Prefill.Add(prefill);
                samples[i].Decode.Add(decode);
                samples[i].Profiles.Add(models[i].TakeParallelProfile()!);
            }

            torchPrefillSamples.Add(PromptTokens / (ModelTimer.PrefillMs(torchPrefill, prompts[0]) / 1000));
        }

        var rows = new List<TensorParallelBenchmarkRow>();
        for (int i = 0; i < models.Count; i++)
        {
            Samples s = samples[i];
            TensorParallelProfile first = s.Profiles[0];
            rows.Add(new TensorParallelBenchmarkRow(
                Sizes[i],
                [.. first.Ranks],
                Percentile.Median(s.Prefill),
                Percentile.Median(s.Decode),
                [.. s.Prefill],
                [.. s.Decode],
                PhaseBreakdown.Of(s.Profiles.Select(p => p.Decode)),
                PhaseBreakdown.Of(s.Profiles.Select(p => p.Prefill))));
        }

        return new TensorParallelBenchmarkResult(
            ModelSpec,
            Precision.Name(),
            MachineLoad.CpuModel(),
            Environment.ProcessorCount,
            Threads,
            loadBefore,
            MachineLoad.LoadAverage(),
            PromptTokens,
            DecodeTokens,
            Batch,
            Repetitions,
            weights.Bytes,
            Percentile.Median(torchPrefillSamples),
            rows);
    }

    private sealed class Samples
    {
        public List<double> Prefill { get; } = [];

        public List<double> Decode { get; } = [];

        public List<TensorParallelProfile> Profiles { get; } = [];
    }
}
