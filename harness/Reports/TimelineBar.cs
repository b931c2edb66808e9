namespace Harness.Reports;

/// <summary>One request's row in the timeline chart.</summary>
/// <param name="Row">0 for the earliest scheduled request shown.</param>
/// <param name="RequestId">The record's id.</param>
/// <param name="Failed">True when the request did not succeed; its compute part is a <see cref="TimelineSegmentKind.Failed"/> segment.</param>
/// <param name="Segments">Phases in time order, never overlapping; zero-length phases are left out.</param>
/// <param name="PreemptedAtMs">When the engine preempted the request (same time base as the segments); empty without engine events.</param>
internal sealed record TimelineBar(int Row, string RequestId, bool Failed, IReadOnlyList<TimelineSegment> Segments, IReadOnlyList<double> PreemptedAtMs)
{
    public double StartMs => Segments.Count > 0 ? Segments[0].StartMs : 0;

    public double EndMs => Segments.Count > 0 ? Segments[^1].EndMs : 0;
}
