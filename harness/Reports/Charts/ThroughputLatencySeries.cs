namespace Harness.Reports.Charts;

/// <summary>The points of one base variant, in run order; a sweep's points are joined by a line.</summary>
internal sealed record ThroughputLatencySeries(string BaseName, int ColorIndex, IReadOnlyList<ThroughputLatencyPoint> Points);
