using Harness.Reports;
using static Harness.Tests.Harness.Reports.RunBuilder;

namespace Harness.Tests.Harness.Reports;

public sealed class TimelineDataTests
{
    private static void AssertSegment(TimelineSegment s, TimelineSegmentKind kind, double start, double end)
    {
        Assert.Equal(kind, s.Kind);
        Assert.Equal(start, s.StartMs, 6);
        Assert.Equal(end, s.EndMs, 6);
    }

    [Fact]
    public void SplitsQueuePrefillAndDecodeFromTheFirstScheduledRequest()
    {
        var records = new[]
        {
            // Scheduled 1000, compute 1030, first token 1100, last 1250, completion 1260: times from origin 1000.
            Request("a", "v", 1000, 1005, 1030, [1100, 1150, 1250], completedMs: 1260),

            // No compute start reported: the queue ends at the actual send.
            Request("b", "v", 1200, 1210, null, [1300, 1400]),
        };

        TimelineData data = TimelineData.Build("v", records);

        Assert.Equal(2, data.TotalRequests);
        Assert.Equal(2, data.Shown);
        TimelineBar a = data.Bars[0];
        Assert.Equal(("a", 0, false, 3), (a.RequestId, a.Row, a.Failed, a.Segments.Count));
        AssertSegment(a.Segments[0], TimelineSegmentKind.Queue, 0, 30);
        AssertSegment(a.Segments[1], TimelineSegmentKind.Prefill, 30, 100);
        AssertSegment(a.Segments[2], TimelineSegmentKind.Decode, 100, 260);

        TimelineBar b = data.Bars[1];
        AssertSegment(b.Segments[0], TimelineSegmentKind.Queue, 200, 210);
        AssertSegment(b.Segments[1], TimelineSegmentKind.Prefill, 210, 300);
        AssertSegment(b.Segments[2], TimelineSegmentKind.Decode, 300, 400);
    }

    [Fact]
    public void FailedRequestsAreKeptAndFlaggedWarmupsAndOtherVariantsLeftOut()
    {
        var records = new[]
        {
            Request("w", "v", 0, 0, 1, [5, 6], warmup: true),
            Request("other", "x", 10, 10, 11, [20]),
            Request("ok", "v", 100, 100, 110, [150, 170]),
            Request("bad", "v", 120, 121, 140, [], completedMs: 190, error: "out of memory"),
        };

        TimelineData data = TimelineData.Build("v", records);

        Assert.Equal(["ok", "bad"], data.Bars.Select(b => b.RequestId));
        Assert.Equal(1, data.FailedShown);
        TimelineBar bad = data.Bars[1];
        Assert.True(bad.Failed);
        Assert.Equal(2, bad.Segments.Count);
        AssertSegment(bad.Segments[0], TimelineSegmentKind.Queue, 20, 40);
        AssertSegment(bad.Segments[1], TimelineSegmentKind.Failed, 40, 90);
    }

    [Fact]
    public void OrdersByScheduledTimeAndCapsTheRows()
    {
        // Listed out of order; ties on scheduled time break by id.
        var records = Enumerable.Range(0, 100)
            .Select(i => Request($"r{i:D3}", "v", 1000 + ((99 - i) / 2 * 10), 1000 + ((99 - i) / 2 * 10), null, [1000 + ((99 - i) / 2 * 10) + 5]))
            .ToList();

        TimelineData data = TimelineData.Build("v", records, maxRequests: 60);

        Assert.Equal(100, data.TotalRequests);
        Assert.Equal(60, data.Shown);
        Assert.Equal(["r098", "r099", "r096", "r097"], data.Bars.Take(4).Select(b => b.RequestId));
        Assert.Equal(Enumerable.Range(0, 60), data.Bars.Select(b => b.Row));
        Assert.Equal(290, data.Bars[^1].StartMs, 6);
        Assert.All(data.Bars.Zip(data.Bars.Skip(1)), p => Assert.True(p.First.StartMs <= p.Second.StartMs));
    }

    [Fact]
    public void ComputeStartBeforeScheduleDrawsNoNegativeQueue()
    {
        TimelineData data = TimelineData.Build("v", [Request("a", "v", 100, 100, 90, [130])]);

        TimelineBar bar = Assert.Single(data.Bars);
        AssertSegment(Assert.Single(bar.Segments), TimelineSegmentKind.Prefill, 0, 30);
    }

    [Fact]
    public void EmptyVariantHasNoBars()
    {
        TimelineData data = TimelineData.Build("v", [Request("a", "x", 0, 0, null, [1])]);

        Assert.Empty(data.Bars);
        Assert.Equal(0, data.TotalRequests);
    }
}
