namespace Harness.Reports.Charts;

/// <summary>One variant (or sweep point) on the throughput-latency plane.</summary>
/// <param name="Variant">Full variant name.</param>
/// <param name="Label">Text next to the point: the sweep point ("1.25rps"), or null.</param>
internal sealed record ThroughputLatencyPoint(string Variant, string? Label, double X, double Y);
