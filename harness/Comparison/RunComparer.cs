using Harness.Metrics;
using Harness.Results;
using Harness.Statistics;

namespace Harness.Comparison;

/// <summary>
/// Compares a candidate run against a baseline, variant by variant (matched by name, or as <c>--pair</c> lists them,
/// when the two runs may be one), with a bootstrap over the per-request records of both: latencies resample requests'
/// values, ITL resamples whole requests' gaps, rates resample (amount, duration share) pairs. Gates are judged with
/// <see cref="RegressionGate.Decide"/> in every compared variant.
/// </summary>
internal static class RunComparer
{
    /// <param name="pairs"><c>--pair</c> specs (BASELINE:CANDIDATE): compare only these variants, whatever their
    /// names (the two runs may be one directory); null or empty matches every common variant by name.</param>
    public static RunComparison Compare(RunData baseline, RunData candidate, IReadOnlyList<GateSpec> gates, BootstrapOptions options, IReadOnlyList<string>? pairs = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Resamples < 100 || !(options.Confidence > 0 && options.Confidence < 1))
        {
            throw new HarnessInputException("--resamples must be at least 100 and --confidence strictly between 0 and 1");
        }

        string[] baseNames = VariantNames(baseline);
        string[] candNames = VariantNames(candidate);
        bool paired = pairs is { Count: > 0 };
        string[] common = [.. baseNames.Where(candNames.Contains)];
        if (!paired && common.Length == 0)
        {
            throw new HarnessInputException(
                $"no variant in common: {baseline.Directory} has {Names(baseNames)}, {candidate.Directory} has {Names(candNames)}");
        }

        List<VariantPair> compared = paired
            ? [.. pairs!.Select(p => VariantPair.Resolve(p, baseline, candidate)).Distinct()]
            : [.. common.Select(n => new VariantPair(n, n))];

        // Both runs are judged against one SLO, the baseline's, so goodput compares like with like.
        Slo? slo = baseline.Result.Slo is { IsEmpty: false } s ? s : candidate.Result.Slo is { IsEmpty: false } c ? c : null;
        List<ComparedMetric> metrics = [.. ComparedMetrics.Defaults(slo is not null)];
        foreach (GateSpec gate in gates)
        {
            ComparedMetric m = ComparedMetric.FromGate(gate);
            if (gate.Metric is MetricDefinitions.GoodputRequestsPerS or MetricDefinitions.SloAttainment && slo is null)
            {
                throw new HarnessInputException($"gate '{gate.Spec}' needs an SLO, but neither run has one");
            }

            if (!metrics.Any(x => x.Key == m.Key))
            {
                metrics.Add(m);
            }
        }

        var variants = new List<VariantComparison>();
        var outcomes = new List<GateOutcome>();
        foreach (VariantPair pair in compared)
        {
            VariantComparison variant = ComparePair(pair, baseline.Records, candidate.Records, slo, metrics, options);
            variants.Add(variant);
            foreach (GateSpec gate in gates)
            {
                outcomes.Add(Judge(gate, variant));
            }
        }

        // Explicit pairs name what is compared, so the variants left out are not news.
        return new RunComparison(
            baseline.Directory,
            candidate.Directory,
            options,
            Warnings(baseline, candidate, paired ? [] : common),
            paired ? [] : [.. baseNames.Where(n => !candNames.Contains(n))],
            paired ? [] : [.. candNames.Where(n => !baseNames.Contains(n))],
            variants,
            outcomes);
    }

    /// <summary>
    /// One baseline variant against one candidate variant, each metric by the bootstrap over their per-request
    /// records: what <c>compare</c> prints per variant and what the run report's verdict section states.
    /// </summary>
    public static VariantComparison ComparePair(
        VariantPair pair,
        IEnumerable<RequestRecord> baselineRecords,
        IEnumerable<RequestRecord> candidateRecords,
        Slo? slo,
        IReadOnlyList<ComparedMetric> metrics,
        BootstrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(metrics);
        VariantSamples a = VariantSamples.From(pair.Baseline, baselineRecords, slo);
        VariantSamples b = VariantSamples.From(pair.Candidate, candidateRecords, slo);
        return new VariantComparison(
            pair.Baseline,
            pair.Candidate == pair.Baseline ? null : pair.Candidate,
            a.Completed,
            b.Completed,
            a.Measured - a.Completed,
            b.Measured - b.Completed,
            [.. metrics.Select(m => CompareMetric(m, a, b, options))]);
    }

    private static MetricComparison CompareMetric(ComparedMetric metric, VariantSamples a, VariantSamples b, BootstrapOptions options)
    {
        try
        {
            BootstrapResult result;
            if (metric.Statistic is null)
            {
                (double[] an, double[] ad) = a.Rate(metric.Metric);
                (double[] bn, double[] bd) = b.Rate(metric.Metric);
                result = Bootstrap.CompareRatio(an, ad, bn, bd, metric.Direction, options);
            }
            else if (metric.Metric == MetricDefinitions.ItlMs)
            {
                result = Bootstrap.CompareGrouped(a.ItlByRequest, b.ItlByRequest, metric.Statistic, metric.Direction, options);
            }
            else
            {
                result = Bootstrap.Compare(a.Latency(metric.Metric), b.Latency(metric.Metric), metric.Statistic, metric.Direction, options);
            }

            return new MetricComparison(metric.Key, metric.Direction, result, null);
        }
        catch (HarnessInputException ex)
        {
            // Bootstrap refuses empty samples and a zero or non-finite baseline; the row says so instead.
            return new MetricComparison(metric.Key, metric.Direction, null, ex.Message);
        }
    }

    private static GateOutcome Judge(GateSpec gate, VariantComparison variant)
    {
        MetricComparison? m = variant.Find(ComparedMetric.FromGate(gate).Key);
        if (m?.Result is not { } result)
        {
            return new GateOutcome(gate.Spec, variant.Label, GateStatus.Unevaluable, $"{gate.Spec}: cannot be judged: {m?.Unavailable ?? "not compared"}");
        }

        GateDecision decision = RegressionGate.Decide(gate, result);
        return new GateOutcome(gate.Spec, variant.Label, decision.Failed ? GateStatus.Failed : GateStatus.Passed, decision.Reason);
    }

    private static List<string> Warnings(RunData a, RunData b, string[] common)
    {
        var warnings = new List<string>();
        RunEnvironment ea = a.Result.Environment;
        RunEnvironment eb = b.Result.Environment;
        var differences = new List<string>();
        if (!string.Equals(ea.Cpu, eb.Cpu, StringComparison.Ordinal))
        {
            differences.Add($"cpu '{ea.Cpu}' vs '{eb.Cpu}'");
        }

        if (ea.Cores != eb.Cores)
        {
            differences.Add($"cores {ea.Cores} vs {eb.Cores}");
        }

        if (ea.MemoryBytes != eb.MemoryBytes)
        {
            differences.Add($"memory {ea.MemoryBytes / (1 << 20)} MiB vs {eb.MemoryBytes / (1 << 20)} MiB");
        }

        if (differences.Count > 0)
        {
            warnings.Add($"environments differ ({string.Join(", ", differences)}): differences may come from the machine");
        }

        // Variants of one run compared with each other share its faults: say each once.
        bool oneRun = string.Equals(Path.GetFullPath(a.Directory), Path.GetFullPath(b.Directory), StringComparison.Ordinal);
        foreach ((string role, RunData run) in oneRun ? new[] { ("the", a) } : [("baseline", a), ("candidate", b)])
        {
            if (!run.Result.Complete)
            {
                warnings.Add($"{role} run {run.Directory} is incomplete (interrupted or cut short by limits)");
            }

            if (run.Result.Quick)
            {
                warnings.Add($"{role} run {run.Directory} ran in quick mode (few requests, short sequences)");
            }
        }

        if (!string.Equals(a.Result.Model, b.Result.Model, StringComparison.Ordinal))
        {
            warnings.Add($"models differ: '{a.Result.Model}' vs '{b.Result.Model}'");
        }

        if (!string.Equals(a.Result.Workload, b.Result.Workload, StringComparison.Ordinal) || !string.Equals(a.Result.Load, b.Result.Load, StringComparison.Ordinal))
        {
            warnings.Add("workload or load differs between the runs");
        }

        if (a.Result.Slo is { IsEmpty: false } sa && b.Result.Slo is { IsEmpty: false } sb && sa != sb)
        {
            warnings.Add("SLOs differ: goodput of both runs is judged against the baseline's");
        }

        foreach (string name in common)
        {
            IReadOnlyDictionary<string, string> ca = a.Result.Variants.First(v => v.Name == name).Config;
            IReadOnlyDictionary<string, string> cb = b.Result.Variants.First(v => v.Name == name).Config;
            if (ca.Count != cb.Count || ca.Any(kv => !cb.TryGetValue(kv.Key, out string? value) || value != kv.Value))
            {
                warnings.Add($"variant '{name}' has a different engine configuration in the two runs");
            }
        }

        return warnings;
    }

    internal static string[] VariantNames(RunData run) => [.. run.Result.Variants.Select(v => v.Name).Distinct(StringComparer.Ordinal)];

    internal static string Names(string[] names) => names.Length == 0 ? "no variants" : string.Join(", ", names);
}
