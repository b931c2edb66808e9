namespace Harness.Reports;

/// <summary>One phase of a request, in milliseconds since the first shown request of its variant was scheduled.</summary>
internal sealed record TimelineSegment(TimelineSegmentKind Kind, double StartMs, double EndMs)
{
    public double DurationMs => EndMs - StartMs;
}
