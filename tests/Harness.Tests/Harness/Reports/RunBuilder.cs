using System.Diagnostics;
using Harness.Engines;
using Harness.Metrics;
using Harness.Results;

namespace Harness.Tests.Harness.Reports;

/// <summary>
/// Builds a <see cref="RunResult"/> and its request records in memory. Variant metrics are computed here, by exact
/// nearest-rank percentiles written independently of the harness, so a report test checks the report printed the
/// right figure in the right place.
/// </summary>
internal sealed class RunBuilder
{
    private readonly List<VariantResult> variants = [];
    private readonly List<RequestRecord> records = [];

    public bool Complete { get; set; } = true;

    public Slo? Slo { get; set; } = new(TtftMs: 400, TpotMs: 50);

    public List<string> Notes { get; } = ["built by RunBuilder"];

    public IReadOnlyList<RequestRecord> Records => records;

    public static long Ticks(double ms) => (long)Math.Round(ms * Stopwatch.Frequency / 1000.0);

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>A request from millisecond times; completion defaults to the last token (or sent + 1 ms).</summary>
    public static RequestRecord Request(
        string id,
        string variant,
        double scheduledMs,
        double sentMs,
        double? computeStartMs,
        double[] tokenMs,
        double? completedMs = null,
        bool warmup = false,
        string? error = null,
        FinishReason finish = FinishReason.Length,
        int? outputTokens = null) =>
        new(
            id,
            variant,
            0,
            warmup,
            Ticks(scheduledMs),
            Ticks(sentMs),
            computeStartMs is double cs ? Ticks(cs) : null,
            [.. tokenMs.Select(Ticks)],
            Ticks(completedMs ?? (tokenMs.Length > 0 ? tokenMs[^1] : sentMs + 1)),
            32,
            outputTokens ?? tokenMs.Length,
            error is null ? finish : FinishReason.Error,
            error);

    /// <summary>
    /// <paramref name="count"/> requests <paramref name="gapMs"/> apart with seeded jitter: queue 0-20 ms, prefill about
    /// <paramref name="prefillMs"/>, <paramref name="tokens"/> tokens about <paramref name="tpotMs"/> apart. Requests
    /// whose index is in <paramref name="failedIndices"/> fail after their prefill.
    /// </summary>
    public static List<RequestRecord> Synthetic(string variant, int count, double prefillMs, double tpotMs, int tokens, int seed, int[]? failedIndices = null, int warmup = 0, double gapMs = 100)
    {
        var random = new Random(seed);
        var list = new List<RequestRecord>();
        for (int i = -warmup; i < count; i++)
        {
            double scheduled = 1000 + (i * gapMs);
            double sent = scheduled + (random.NextDouble() * 2);
            double compute = sent + (random.NextDouble() * 20);
            double t = compute + (prefillMs * (0.8 + (random.NextDouble() * 0.4)));
            string id = i < 0 ? $"{variant}-w{-i}" : $"{variant}-{i:D3}";
            if (failedIndices is not null && failedIndices.Contains(i))
            {
                list.Add(Request(id, variant, scheduled, sent, compute, [], completedMs: t, error: $"engine error on {id}"));
                continue;
            }

            double[] times = new double[tokens];
            for (int k = 0; k < tokens; k++)
            {
                times[k] = t;
                t += tpotMs * (0.7 + (random.NextDouble() * 0.6));
            }

            list.Add(Request(id, variant, scheduled, sent, compute, times, warmup: i < 0));
        }

        return list;
    }

    /// <summary>Exact nearest-rank percentile: the value at rank ceil(p/100 * n).</summary>
    public static double NearestRank(IReadOnlyList<double> values, double p)
    {
        double[] sorted = [.. values.Order()];
        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public static LatencySummary Summary(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            // result.json cannot hold NaN: an empty summary is all zeros with count 0.
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);
        }

        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        return new LatencySummary(values.Count, NearestRank(values, 50), NearestRank(values, 90), NearestRank(values, 95), NearestRank(values, 99), values.Max(), mean, std);
    }

    public static List<double> Ttfts(IEnumerable<RequestRecord> rs) => [.. Completed(rs).Select(r => Ms(r.TokenTimes[0] - r.ScheduledAt))];

    public static List<double> E2es(IEnumerable<RequestRecord> rs) => [.. Completed(rs).Select(r => Ms(r.TokenTimes[^1] - r.ScheduledAt))];

    public static List<double> Tpots(IEnumerable<RequestRecord> rs) =>
        [.. Completed(rs).Where(r => r.OutputTokens >= 2).Select(r => Ms(r.TokenTimes[^1] - r.TokenTimes[0]) / (r.OutputTokens - 1))];

    public static List<double> Itls(IEnumerable<RequestRecord> rs) =>
        [.. Completed(rs).SelectMany(r => r.TokenTimes.Zip(r.TokenTimes.Skip(1), (a, b) => Ms(b - a)))];

    public RunBuilder Add(string name, IReadOnlyList<RequestRecord> requests, string? error = null, string? loadPoint = null)
    {
        records.AddRange(requests);
        List<RequestRecord> measured = [.. requests.Where(r => !r.IsWarmup)];
        List<RequestRecord> completed = Completed(measured);
        double duration = measured.Count == 0 ? 0 : Ms(measured.Max(r => Math.Max(r.CompletedAt, r.TokenTimes.Length > 0 ? r.TokenTimes[^1] : 0)) - measured.Min(r => r.ScheduledAt)) / 1000;
        double Per(double x) => duration > 0 ? x / duration : 0;
        int good = completed.Count(r => Slo is null || Ms(r.TokenTimes[0] - r.ScheduledAt) <= (Slo.TtftMs ?? double.MaxValue));
        var metrics = new VariantSummary(
            Summary(Ttfts(measured)),
            Summary(Tpots(measured)),
            Summary(Itls(measured)),
            Summary(E2es(measured)),
            Summary([.. completed.Where(r => r.ComputeStartAt is not null).Select(r => Ms(r.ComputeStartAt!.Value - r.ScheduledAt))]),
            Per(completed.Sum(r => r.OutputTokens)),
            Per(completed.Sum(r => r.OutputTokens + r.InputTokens)),
            Per(completed.Count),
            Slo is null ? null : Per(good),
            Slo is null || measured.Count == 0 ? null : (double)good / measured.Count,
            measured.Count,
            completed.Count,
            measured.Count - completed.Count,
            requests.Count(r => r.IsWarmup),
            duration);
        var validity = new List<EarlyStoppingVerdict>
        {
            new("ttft_ms", 0.99, Slo?.TtftMs, completed.Count, 0, 459, completed.Count >= 459, null),
        };
        variants.Add(new VariantResult(
            name,
            new Dictionary<string, string> { ["precision"] = name.StartsWith("bf16", StringComparison.Ordinal) ? "bf16" : "fp32" },
            loadPoint ?? "poisson 10 rps",
            metrics,
            new VariantMemory(540L << 20, 64L << 20, 12L << 20, 900L << 20),
            1.25,
            validity,
            error));
        return this;
    }

    public RunResult Build() => new(
        RunResult.CurrentSchemaVersion,
        "test-scenario",
        "scenarios/test.yaml",
        "A scenario built in memory for report tests.",
        new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        new DateTimeOffset(2025, 1, 2, 3, 14, 5, TimeSpan.Zero),
        Complete,
        false,
        42,
        "preset:tiny",
        "llama",
        "synthetic: prompt 32, output 8",
        "poisson 10 rps",
        Slo,
        new RunEnvironment("Test CPU @ 3 GHz", 2, 8L << 30, "Debian 12", ".NET 10.0.0", new Dictionary<string, string> { ["ScottPlot"] = "5.1.59" }, "abc1234", "0.50 0.40 0.30"),
        variants,
        MetricDefinitions.All,
        Notes);

    private static List<RequestRecord> Completed(IEnumerable<RequestRecord> rs) => [.. rs.Where(r => !r.IsWarmup && r.Succeeded)];
}
