using Harness.Metrics;

namespace Harness.Comparison;

/// <summary>
/// The per-request values of one variant's measured (non-warm-up) requests that the bootstrap resamples. Latencies
/// come from completed requests, as in <see cref="VariantSummary"/>. For rates, every measured request carries a
/// share of the run's duration: the time from the previous completion (or the first scheduled send) to its own,
/// so the shares add up to exactly the duration <see cref="VariantSummary"/> divides by, and a resample of requests
/// recomputes tokens / duration with both numerator and denominator drawn together.
/// </summary>
internal sealed class VariantSamples
{
    private readonly Dictionary<string, double[]> latencies;
    private readonly double[][] itlGroups;
    private readonly Dictionary<string, double[]> numerators;
    private readonly double[] durationShares;
    private readonly double[] ones;

    private VariantSamples(
        int measured,
        int completed,
        Dictionary<string, double[]> latencies,
        double[][] itlGroups,
        Dictionary<string, double[]> numerators,
        double[] durationShares)
    {
        Measured = measured;
        Completed = completed;
        this.latencies = latencies;
        this.itlGroups = itlGroups;
        this.numerators = numerators;
        this.durationShares = durationShares;
        ones = [.. Enumerable.Repeat(1.0, durationShares.Length)];
    }

    public int Measured { get; }

    public int Completed { get; }

    /// <summary>Per-request values of a latency metric, ms (empty when none apply, e.g. TPOT of one-token replies).</summary>
    public double[] Latency(string metric) =>
        latencies.TryGetValue(metric, out double[]? v) ? v : throw new ArgumentException($"not a per-request latency: {metric}", nameof(metric));

    /// <summary>Inter-token gaps grouped by request: resampled as whole requests.</summary>
    public double[][] ItlByRequest => itlGroups;

    /// <summary>(numerator, denominator) per measured request whose ratio of sums is the rate.</summary>
    public (double[] Numerator, double[] Denominator) Rate(string metric) => metric switch
    {
        MetricDefinitions.SloAttainment => (numerators["good"], ones),
        MetricDefinitions.GoodputRequestsPerS => (numerators["good"], durationShares),
        MetricDefinitions.RequestsPerS => (numerators["completed"], durationShares),
        MetricDefinitions.OutputTokensPerS => (numerators["output_tokens"], durationShares),
        MetricDefinitions.TotalTokensPerS => (numerators["total_tokens"], durationShares),
        _ => throw new ArgumentException($"not a rate: {metric}", nameof(metric)),
    };

    public static VariantSamples From(string variant, IEnumerable<RequestRecord> records, Slo? slo)
    {
        ArgumentNullException.ThrowIfNull(records);
        RequestRecord[] measured = [.. records
            .Where(r => !r.IsWarmup && string.Equals(r.Variant, variant, StringComparison.Ordinal))
            .OrderBy(End)];
        var ttft = new List<double>();
        var tpot = new List<double>();
        var tpotIncl = new List<double>();
        var e2e = new List<double>();
        var queue = new List<double>();
        var itl = new List<double[]>();
        int n = measured.Length;
        double[] output = new double[n];
        double[] total = new double[n];
        double[] completed = new double[n];
        double[] good = new double[n];
        double[] shares = new double[n];
        long previous = n > 0 ? measured.Min(r => r.ScheduledAt) : 0;
        for (int i = 0; i < n; i++)
        {
            RequestRecord r = measured[i];
            long end = End(r);
            shares[i] = RequestMetrics.TicksToMs(end - previous) / 1000.0;
            previous = end;
            if (!r.Succeeded)
            {
                continue;
            }

            RequestMetrics m = RequestMetrics.From(r);
            ttft.Add(m.TtftMs!.Value);
            e2e.Add(m.E2eMs);
            itl.Add(m.ItlMs);
            if (m.TpotMs is double tp)
            {
                tpot.Add(tp);
            }

            if (m.TpotInclFirstMs is double ti)
            {
                tpotIncl.Add(ti);
            }

            if (m.QueueWaitMs is double q)
            {
                queue.Add(q);
            }

            output[i] = r.OutputTokens;
            total[i] = r.InputTokens + r.OutputTokens;
            completed[i] = 1;
            good[i] = slo is not null && slo.IsMetBy(r, m) ? 1 : 0;
        }

        return new VariantSamples(
            n,
            ttft.Count,
            new Dictionary<string, double[]>(StringComparer.Ordinal)
            {
                [MetricDefinitions.TtftMs] = [.. ttft],
                [MetricDefinitions.TpotMs] = [.. tpot],
                [MetricDefinitions.TpotInclFirstMs] = [.. tpotIncl],
                [MetricDefinitions.E2eMs] = [.. e2e],
                [MetricDefinitions.QueueWaitMs] = [.. queue],
            },
            [.. itl],
            new Dictionary<string, double[]>(StringComparer.Ordinal)
            {
                ["output_tokens"] = output,
                ["total_tokens"] = total,
                ["completed"] = completed,
                ["good"] = good,
            },
            shares);
    }

    /// <summary>When a request was done: its last token or its completion, whichever is later (as VariantSummary).</summary>
    private static long End(RequestRecord r) => r.TokenTimes.Length > 0 ? Math.Max(r.CompletedAt, r.TokenTimes[^1]) : r.CompletedAt;
}
