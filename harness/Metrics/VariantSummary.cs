namespace Harness.Metrics;

/// <summary>
/// The statistics of one variant over its measured (non-warm-up) requests. Failed requests are counted in
/// <see cref="Failed"/> and are not part of any latency summary or token count; warm-up requests are counted in
/// <see cref="Warmup"/> and excluded from everything else.
/// </summary>
/// <param name="Variant">Variant name.</param>
/// <param name="Measured">Non-warm-up requests (completed + failed).</param>
/// <param name="Completed">Measured requests that succeeded (<see cref="RequestRecord.Succeeded"/>).</param>
/// <param name="Failed">Measured requests that did not; excluded from latency percentiles.</param>
/// <param name="Warmup">Warm-up requests seen and excluded.</param>
/// <param name="DurationSeconds">First scheduled send of a measured request to the last completion of one.</param>
/// <param name="TtftMs">Time to first token (from scheduled send) over completed requests.</param>
/// <param name="TpotMs">Time per output token, first token excluded, over completed requests with &gt;= 2 tokens.</param>
/// <param name="TpotInclFirstMs">E2E / output tokens (GuideLLM's TPOT).</param>
/// <param name="ItlMs">All inter-token gaps of completed requests, pooled.</param>
/// <param name="E2eMs">End-to-end latency.</param>
/// <param name="QueueWaitMs">Compute start - scheduled, over completed requests whose engine reported compute start.</param>
/// <param name="InputTokens">Prompt tokens of completed requests.</param>
/// <param name="OutputTokens">Output tokens of completed requests.</param>
/// <param name="Slo">The objectives goodput was judged against, or null.</param>
/// <param name="GoodRequests">Completed requests meeting every set SLO (0 without an SLO).</param>
internal sealed record VariantSummary(
    string Variant,
    int Measured,
    int Completed,
    int Failed,
    int Warmup,
    double DurationSeconds,
    LatencySummary TtftMs,
    LatencySummary TpotMs,
    LatencySummary TpotInclFirstMs,
    LatencySummary ItlMs,
    LatencySummary E2eMs,
    LatencySummary QueueWaitMs,
    long InputTokens,
    long OutputTokens,
    Slo? Slo,
    int GoodRequests)
{
    /// <summary>Stated in result files next to the numbers.</summary>
    public const string ExclusionNote =
        "latency summaries and token throughput cover completed requests only; failed requests are counted in 'failed'; warm-up requests are excluded from every statistic and counted in 'warmup'";

    public double OutputTokensPerSecond => PerSecond(OutputTokens);

    public double TotalTokensPerSecond => PerSecond(InputTokens + OutputTokens);

    /// <summary>Completed requests per second.</summary>
    public double RequestsPerSecond => PerSecond(Completed);

    /// <summary>Good requests per second; null without an SLO.</summary>
    public double? GoodputRequestsPerSecond => Slo is null ? null : PerSecond(GoodRequests);

    /// <summary>Good requests / measured requests (a failed request counts as missing the SLO); null without an SLO.</summary>
    public double? SloAttainment => Slo is null || Measured == 0 ? null : (double)GoodRequests / Measured;

    /// <summary>Summarises the records of <paramref name="variant"/> (records of other variants are ignored).</summary>
    public static VariantSummary Compute(string variant, IEnumerable<RequestRecord> records, Slo? slo = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        int warmup = 0;
        int failed = 0;
        int good = 0;
        long input = 0;
        long output = 0;
        long firstScheduled = long.MaxValue;
        long lastCompleted = long.MinValue;
        List<double> ttft = [];
        List<double> tpot = [];
        List<double> tpotIncl = [];
        List<double> itl = [];
        List<double> e2e = [];
        List<double> queue = [];
        if (slo is { IsEmpty: true })
        {
            slo = null;
        }

        foreach (RequestRecord r in records)
        {
            if (!string.Equals(r.Variant, variant, StringComparison.Ordinal))
            {
                continue;
            }

            if (r.IsWarmup)
            {
                warmup++;
                continue;
            }

            firstScheduled = Math.Min(firstScheduled, r.ScheduledAt);
            long end = r.TokenTimes.Length > 0 ? Math.Max(r.CompletedAt, r.TokenTimes[^1]) : r.CompletedAt;
            lastCompleted = Math.Max(lastCompleted, end);
            if (!r.Succeeded)
            {
                failed++;
                continue;
            }

            RequestMetrics m = RequestMetrics.From(r);
            input += r.InputTokens;
            output += r.OutputTokens;
            ttft.Add(m.TtftMs!.Value);
            e2e.Add(m.E2eMs);
            itl.AddRange(m.ItlMs);
            AddIfSet(tpot, m.TpotMs);
            AddIfSet(tpotIncl, m.TpotInclFirstMs);
            AddIfSet(queue, m.QueueWaitMs);
            good += slo is not null && slo.IsMetBy(r, m) ? 1 : 0;
        }

        int completed = ttft.Count;
        int measured = completed + failed;
        double duration = measured > 0 ? RequestMetrics.TicksToMs(lastCompleted - firstScheduled) / 1000.0 : 0;
        return new VariantSummary(
            variant,
            measured,
            completed,
            failed,
            warmup,
            duration,
            LatencySummary.FromMilliseconds(ttft),
            LatencySummary.FromMilliseconds(tpot),
            LatencySummary.FromMilliseconds(tpotIncl),
            LatencySummary.FromMilliseconds(itl),
            LatencySummary.FromMilliseconds(e2e),
            LatencySummary.FromMilliseconds(queue),
            input,
            output,
            slo,
            good);
    }

    private double PerSecond(double amount) => DurationSeconds > 0 ? amount / DurationSeconds : double.NaN;

    private static void AddIfSet(List<double> list, double? value)
    {
        if (value is double v)
        {
            list.Add(v);
        }
    }
}
