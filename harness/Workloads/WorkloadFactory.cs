using System.Globalization;
using Harness.Engines;
using Harness.Scenarios;
using Harness.Workloads.Traces;

namespace Harness.Workloads;

/// <summary>
/// Scenario workload -> requests. <see cref="Plan"/> draws lengths (synthetic) or reads a trace once for the whole run;
/// <see cref="Prepare"/> fits them to one engine (context clipping, prompt ids from its tokenizer or its vocabulary).
/// </summary>
internal static class WorkloadFactory
{
    /// <summary>Warm-up prompts are built from request indices far above any measured one, so they never share text.</summary>
    public const int WarmupIndexBase = 1_000_000_000;

    private const long LengthStream = 21;
    private const long PromptStream = 22;

    public static WorkloadPlan Plan(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        WorkloadSpec w = scenario.Workload;
        long seed = unchecked((long)scenario.Seed);
        List<string> notes = [];
        IReadOnlyList<WorkloadRequest> requests;
        string description;
        if (w.IsTrace)
        {
            string path = ResolveTracePath(w.Trace!, scenario.SourcePath);

            // Clipping waits for Prepare (it depends on the engine's context); the trace is read unclipped once.
            TraceReplayResult replay = TraceReplay.Load(path, new TraceReplayOptions(w.TimeScale, w.WindowStartS ?? 0, w.WindowEndS, w.MaxRequests, null, w.LengthScale));
            TraceReplayStats s = replay.Stats;
            requests = replay.Requests;
            description = Invariant($"trace {s.File} ({s.Format}): {s.RowsUsed} requests, time_scale {w.TimeScale}, length_scale {w.LengthScale}, window [{w.WindowStartS ?? 0}, {(w.WindowEndS is double e ? e.ToString(CultureInfo.InvariantCulture) : "end")}) s, replay rate {s.ReplayRatePerSecond:0.###}/s, input mean {s.InputMean:0.#}, output mean {s.OutputMean:0.#}");
            if (s.SkippedZeroToken > 0)
            {
                notes.Add($"trace: {s.SkippedZeroToken} rows with 0 input or 0 output tokens were skipped");
            }

            if (s.SkippedOutsideWindow > 0)
            {
                notes.Add($"trace: {s.SkippedOutsideWindow} rows outside the time window were skipped");
            }
        }
        else
        {
            LengthDistribution input = LengthDistribution.FromSpec(ToLengthSpec(w.InputTokens));
            LengthDistribution output = LengthDistribution.FromSpec(ToLengthSpec(w.OutputTokens));
            int count = Math.Min(w.Requests, w.MaxRequests ?? int.MaxValue);
            requests = SyntheticWorkload.Generate(new SyntheticWorkloadOptions(
                count, input, output, SplitMix64.DeriveInt(seed, LengthStream), w.SharedPrefixGroups, w.SharedPrefixTokens));
            description = Invariant($"synthetic: {count} requests, input {input}, output {output}, seed {scenario.Seed}")
                + (w.SharedPrefixGroups > 0 ? Invariant($", {w.SharedPrefixGroups} shared-prefix groups of {w.SharedPrefixTokens} tokens") : string.Empty);
        }

        if (scenario.Limits.MaxRequests is int cap && cap < requests.Count)
        {
            notes.Add($"limits.max_requests: {cap} of {requests.Count} workload requests are measured");
            requests = [.. requests.Take(cap)];
        }

        if (requests.Count == 0)
        {
            throw new HarnessInputException($"{scenario.SourcePath}: the workload has no requests (check the trace window and max_requests)");
        }

        // Warm-up repeats the first requests' lengths with prompts of their own: representative shapes, no shared text.
        WorkloadRequest[] warmup = new WorkloadRequest[scenario.Warmup];
        for (int i = 0; i < warmup.Length; i++)
        {
            WorkloadRequest template = requests[i % requests.Count];
            warmup[i] = template with { Index = WarmupIndexBase + i, Arrival = null, Source = "warmup:" + i.ToString(CultureInfo.InvariantCulture), PrefixBlocks = [], PrefixBlockTokens = 0, PrefixGroup = null };
        }

        return new WorkloadPlan(requests, warmup, description, notes, SplitMix64.DeriveInt(seed, PromptStream), w.ClipToContext);
    }

    /// <summary>Fits the plan to <paramref name="engine"/>: its context, its tokenizer (or vocabulary in token-id mode).</summary>
    public static PreparedWorkload Prepare(WorkloadPlan plan, IInferenceEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return Prepare(plan, engine.MaxContextTokens, engine.Tokenizer, VocabSize(engine));
    }

    public static PreparedWorkload Prepare(WorkloadPlan plan, int maxContextTokens, ITokenizer? tokenizer, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(plan);
        PromptBuilder prompts = tokenizer is not null ? new PromptBuilder(plan.Seed, tokenizer) : new PromptBuilder(plan.Seed, vocabSize);
        int clipped = 0;
        PreparedRequest Fit(WorkloadRequest r, bool count)
        {
            if (plan.ClipToContext)
            {
                (int input, int output, bool wasClipped) = TraceReplay.Clip(r.InputTokens, r.OutputTokens, maxContextTokens);
                if (wasClipped)
                {
                    clipped += count ? 1 : 0;
                    r = r with { InputTokens = input, OutputTokens = output, Clipped = true };
                }
            }

            return new PreparedRequest(r, prompts.Build(r));
        }

        PreparedRequest[] measured = [.. plan.Measured.Select(r => Fit(r, true))];
        PreparedRequest[] warmup = [.. plan.Warmup.Select(r => Fit(r, false))];
        return new PreparedWorkload(measured, warmup, clipped);
    }

    /// <summary>
    /// A relative trace path is looked up from the working directory first (scenarios are written relative to the
    /// repository root), then from the scenario file's folder.
    /// </summary>
    public static string ResolveTracePath(string trace, string scenarioPath)
    {
        if (Path.IsPathRooted(trace) || File.Exists(trace))
        {
            return trace;
        }

        string? dir = Path.GetDirectoryName(Path.GetFullPath(scenarioPath));
        string beside = dir is null ? trace : Path.Combine(dir, trace);
        return File.Exists(beside) ? beside : trace;
    }

    public static LengthDistributionSpec ToLengthSpec(DistributionSpec d)
    {
        ArgumentNullException.ThrowIfNull(d);
        static int? Bound(double v) => v >= int.MaxValue ? null : (int)Math.Round(v);
        return d.Kind switch
        {
            "fixed" => new LengthDistributionSpec("fixed", Value: (int)Math.Round(d.Value)),
            "uniform" => new LengthDistributionSpec("uniform", Min: Bound(d.Min), Max: Bound(d.Max) ?? throw new HarnessInputException("a uniform length distribution needs 'max'")),
            "normal" or "lognormal" => new LengthDistributionSpec(d.Kind, Min: Bound(d.Min), Max: Bound(d.Max), Mean: d.Mean, Std: d.Std),
            "histogram" => new LengthDistributionSpec("empirical", Histogram: Histogram(d)),
            _ => throw new HarnessInputException($"unknown length distribution '{d.Kind}'"),
        };
    }

    private static List<KeyValuePair<int, double>> Histogram(DistributionSpec d)
    {
        IReadOnlyList<double> values = d.Values ?? throw new HarnessInputException("a histogram length distribution needs 'values'");
        IReadOnlyList<double>? weights = d.Weights;
        if (weights is not null && weights.Count != values.Count)
        {
            throw new HarnessInputException($"a histogram length distribution needs as many weights as values ({values.Count}), got {weights.Count}");
        }

        return [.. values.Select((v, i) => new KeyValuePair<int, double>((int)Math.Round(v), weights?[i] ?? 1.0))];
    }

    private static int VocabSize(IInferenceEngine engine) =>
        engine.Tokenizer?.VocabSize
        ?? engine.VocabSize

        // Token-id mode needs the vocabulary, which a remote engine may not know.
        ?? throw new HarnessInputException($"engine {engine.Capabilities.Engine} has no tokenizer and no known vocabulary size, so prompts cannot be built");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
