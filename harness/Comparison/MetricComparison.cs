using Harness.Statistics;

namespace Harness.Comparison;

/// <summary>One metric of one variant compared: the bootstrap result, or why it could not be computed.</summary>
/// <param name="Metric">Key, e.g. "ttft_ms.p99".</param>
/// <param name="Direction">Which way is better.</param>
/// <param name="Result">Values, relative change, interval and verdict; null when <paramref name="Unavailable"/> says why.</param>
/// <param name="Unavailable">E.g. "no samples" (TPOT of one-token replies) or a zero baseline.</param>
internal sealed record MetricComparison(string Metric, MetricDirection Direction, BootstrapResult? Result, string? Unavailable);
