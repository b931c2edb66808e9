using Harness.Statistics;

namespace Harness.Comparison;

/// <summary>One quantity compared between two runs.</summary>
/// <param name="Key">Name as gates and output spell it: "ttft_ms.p99", "output_tokens_per_s".</param>
/// <param name="Metric">Base metric, e.g. "ttft_ms".</param>
/// <param name="Statistic">Statistic of a per-request latency; null for a rate (a ratio of sums over requests).</param>
/// <param name="Direction">Latencies improve downwards, rates upwards.</param>
internal sealed record ComparedMetric(string Key, string Metric, BootstrapStatistic? Statistic, MetricDirection Direction)
{
    public bool IsRate => Statistic is null;

    public static ComparedMetric Latency(string metric, double percentile)
    {
        BootstrapStatistic statistic = BootstrapStatistic.AtPercentile(percentile);
        return new ComparedMetric($"{metric}.{statistic.Name}", metric, statistic, MetricDirection.LowerIsBetter);
    }

    public static ComparedMetric Rate(string metric) => new(metric, metric, null, MetricDirection.HigherIsBetter);

    public static ComparedMetric FromGate(GateSpec gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return gate.Statistic is { } s
            ? new ComparedMetric($"{gate.Metric}.{s.Name}", gate.Metric, s, gate.Direction)
            : new ComparedMetric(gate.Metric, gate.Metric, null, gate.Direction);
    }
}
