using Harness.Metrics;

namespace Harness.Comparison;

/// <summary>What <c>compare</c> reports by default: the percentiles peers quote and the rates a capacity plan needs.</summary>
internal static class ComparedMetrics
{
    public static IReadOnlyList<ComparedMetric> Defaults(bool withSlo)
    {
        List<ComparedMetric> metrics =
        [
            ComparedMetric.Latency(MetricDefinitions.TtftMs, 0.50),
            ComparedMetric.Latency(MetricDefinitions.TtftMs, 0.90),
            ComparedMetric.Latency(MetricDefinitions.TtftMs, 0.99),
            ComparedMetric.Latency(MetricDefinitions.TpotMs, 0.50),
            ComparedMetric.Latency(MetricDefinitions.TpotMs, 0.99),
            ComparedMetric.Latency(MetricDefinitions.ItlMs, 0.99),
            ComparedMetric.Latency(MetricDefinitions.E2eMs, 0.50),
            ComparedMetric.Latency(MetricDefinitions.E2eMs, 0.99),
            ComparedMetric.Rate(MetricDefinitions.OutputTokensPerS),
            ComparedMetric.Rate(MetricDefinitions.RequestsPerS),
        ];
        if (withSlo)
        {
            metrics.Add(ComparedMetric.Rate(MetricDefinitions.GoodputRequestsPerS));
        }

        return metrics;
    }

    /// <summary>
    /// What the run report's "are the variants different?" section judges: the median of each latency a user feels
    /// first (waiting, then streaming) and the throughput a capacity plan needs, with goodput when an SLO says what good is.
    /// </summary>
    public static IReadOnlyList<ComparedMetric> Headline(bool withSlo) =>
    [
        ComparedMetric.Latency(MetricDefinitions.TtftMs, 0.50),
        ComparedMetric.Latency(MetricDefinitions.TpotMs, 0.50),
        ComparedMetric.Rate(MetricDefinitions.OutputTokensPerS),
        .. withSlo ? [ComparedMetric.Rate(MetricDefinitions.GoodputRequestsPerS)] : Array.Empty<ComparedMetric>(),
    ];
}
