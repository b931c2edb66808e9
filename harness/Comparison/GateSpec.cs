using Harness.Statistics;

namespace Harness.Comparison;

/// <summary>One regression gate: fail when <see cref="Metric"/> gets significantly worse by more than the threshold.</summary>
/// <param name="Spec">The text it was parsed from, e.g. "ttft_ms.p99:5".</param>
/// <param name="Metric">Base metric key, e.g. "ttft_ms" or "output_tokens_per_s".</param>
/// <param name="Statistic">Statistic of a latency metric (mean or pXX); null for a rate metric.</param>
/// <param name="MaxWorsePercent">Largest tolerated worsening, in percent.</param>
/// <param name="Direction">Which way is better for the metric.</param>
internal sealed record GateSpec(string Spec, string Metric, BootstrapStatistic? Statistic, double MaxWorsePercent, MetricDirection Direction);
