using System.Text.Json.Serialization;

namespace Harness.Metrics;

/// <summary>
/// The statistics of one variant over its measured (non-warm-up) requests, as written to <c>variants[].metrics</c>.
/// Failed requests are counted in <see cref="Failed"/> and are not part of any latency summary or token count;
/// warm-up requests are counted in <see cref="WarmupExcluded"/> and excluded from everything else. Keys are those of
/// <see cref="MetricDefinitions"/>. <see cref="TpotMs"/> excludes the first token (vLLM's TPOT);
/// <see cref="TpotInclFirstMs"/> is E2E / output tokens (GuideLLM's TPOT), kept so figures can be set beside either
/// peer's without converting.
/// </summary>
/// <param name="TtftMs">Time to first token (from scheduled send) over completed requests.</param>
/// <param name="TpotMs">Time per output token, first token excluded, over completed requests with &gt;= 2 tokens.</param>
/// <param name="ItlMs">All inter-token gaps of completed requests, pooled.</param>
/// <param name="E2eMs">End-to-end latency.</param>
/// <param name="QueueWaitMs">Compute start - scheduled, over completed requests whose engine reported compute start.</param>
/// <param name="OutputTokensPerS">Output tokens of completed requests / duration.</param>
/// <param name="TotalTokensPerS">Input and output tokens of completed requests / duration.</param>
/// <param name="RequestsPerS">Completed requests / duration.</param>
/// <param name="GoodputRequestsPerS">Completed requests meeting every set SLO / duration; null without an SLO.</param>
/// <param name="SloAttainment">Good requests / measured requests (a failed request counts as missing the SLO); null without an SLO.</param>
/// <param name="Measured">Non-warm-up requests (completed + failed).</param>
/// <param name="Completed">Measured requests that succeeded (<see cref="RequestRecord.Succeeded"/>).</param>
/// <param name="Failed">Measured requests that did not; excluded from latency percentiles.</param>
/// <param name="WarmupExcluded">Warm-up requests seen and excluded.</param>
/// <param name="DurationS">First scheduled send of a measured request to the last completion of one, in seconds.</param>
/// <param name="TpotInclFirstMs">E2E / output tokens; null in result files written before it existed.</param>
internal sealed record VariantSummary(
    [property: JsonPropertyName(MetricDefinitions.TtftMs)] LatencySummary TtftMs,
    [property: JsonPropertyName(MetricDefinitions.TpotMs)] LatencySummary TpotMs,
    [property: JsonPropertyName(MetricDefinitions.ItlMs)] LatencySummary ItlMs,
    [property: JsonPropertyName(MetricDefinitions.E2eMs)] LatencySummary E2eMs,
    [property: JsonPropertyName(MetricDefinitions.QueueWaitMs)] LatencySummary QueueWaitMs,
    [property: JsonPropertyName(MetricDefinitions.OutputTokensPerS)] double OutputTokensPerS,
    [property: JsonPropertyName(MetricDefinitions.TotalTokensPerS)] double TotalTokensPerS,
    [property: JsonPropertyName(MetricDefinitions.RequestsPerS)] double RequestsPerS,
    [property: JsonPropertyName(MetricDefinitions.GoodputRequestsPerS)] double? GoodputRequestsPerS,
    [property: JsonPropertyName(MetricDefinitions.SloAttainment)] double? SloAttainment,
    [property: JsonPropertyName("measured")] int Measured,
    [property: JsonPropertyName("completed")] int Completed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("warmup_excluded")] int WarmupExcluded,
    [property: JsonPropertyName("duration_s")] double DurationS,
    [property: JsonPropertyName(MetricDefinitions.TpotInclFirstMs)] LatencySummary? TpotInclFirstMs = null)
{
    /// <summary>Stated in result files next to the numbers.</summary>
    public const string ExclusionNote =
        "latency summaries and token throughput cover completed requests only; failed requests are counted in 'failed'; warm-up requests are excluded from every statistic and counted in 'warmup'";

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
        double PerSecond(double amount) => duration > 0 ? amount / duration : double.NaN;
        return new VariantSummary(
            LatencySummary.FromMilliseconds(ttft),
            LatencySummary.FromMilliseconds(tpot),
            LatencySummary.FromMilliseconds(itl),
            LatencySummary.FromMilliseconds(e2e),
            LatencySummary.FromMilliseconds(queue),
            PerSecond(output),
            PerSecond(input + output),
            PerSecond(completed),
            slo is null ? null : PerSecond(good),
            slo is null || measured == 0 ? null : (double)good / measured,
            measured,
            completed,
            failed,
            warmup,
            duration,
            LatencySummary.FromMilliseconds(tpotIncl));
    }

    private static void AddIfSet(List<double> list, double? value)
    {
        if (value is double v)
        {
            list.Add(v);
        }
    }
}
