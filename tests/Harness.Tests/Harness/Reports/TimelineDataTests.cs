using Harness.Engines;
using Harness.Metrics;
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

    [Fact]
    public void EngineEventsGivePrefillDecodeAndAVisiblePreemption()
    {
        static EngineRequestEvent E(EngineEventKind kind, double start, double end, int step) => new("a", kind, Ticks(start), Ticks(end), step, 0);
        var records = new[]
        {
            // The client sees a 70 ms hole between its 4th and 5th tokens; only the engine can say it was preempted.
            Request("a", "v", 1000, 1002, 1020, [1060, 1080, 1100, 1120, 1250, 1270]),
            Request("b", "v", 1010, 1011, 1030, [1300, 1350]),
        };
        EngineRequestEvent[] events =
        [
            E(EngineEventKind.Queued, 1005, 1005, -1),
            E(EngineEventKind.Prefill, 1020, 1060, 0),
            E(EngineEventKind.Decode, 1060, 1080, 1),
            E(EngineEventKind.Decode, 1080, 1100, 2),
            E(EngineEventKind.Decode, 1100, 1120, 3),
            E(EngineEventKind.Preempted, 1120, 1120, 3),
            E(EngineEventKind.Recompute, 1200, 1230, 7),
            E(EngineEventKind.Decode, 1230, 1250, 8),
            E(EngineEventKind.Decode, 1250, 1270, 9),
            E(EngineEventKind.Finished, 1270, 1270, -1),
            new("someone-else", EngineEventKind.Prefill, Ticks(1000), Ticks(1400), 0, 0),
        ];

        TimelineData data = TimelineData.Build("v", records, engineEvents: events);

        Assert.True(data.FromEngine);
        Assert.Equal(1, data.PreemptionsShown);
        TimelineBar a = data.Bars[0];
        Assert.Equal([120.0], a.PreemptedAtMs);
        Assert.Equal(6, a.Segments.Count);
        AssertSegment(a.Segments[0], TimelineSegmentKind.Queue, 0, 20);
        AssertSegment(a.Segments[1], TimelineSegmentKind.Prefill, 20, 60);
        AssertSegment(a.Segments[2], TimelineSegmentKind.Decode, 60, 120);
        AssertSegment(a.Segments[3], TimelineSegmentKind.Preempted, 120, 200);
        AssertSegment(a.Segments[4], TimelineSegmentKind.Recompute, 200, 230);
        AssertSegment(a.Segments[5], TimelineSegmentKind.Decode, 230, 270);

        // No engine event for b: the client's inference, as without telemetry.
        TimelineBar b = data.Bars[1];
        Assert.Empty(b.PreemptedAtMs);
        Assert.Equal([TimelineSegmentKind.Queue, TimelineSegmentKind.Prefill, TimelineSegmentKind.Decode], b.Segments.Select(s => s.Kind));
        AssertSegment(b.Segments[1], TimelineSegmentKind.Prefill, 30, 300);
    }

    [Fact]
    public void ChunkedPrefillKeepsItsGapsAndADecodeStepOverlappingPrefillStartsAfterIt()
    {
        static EngineRequestEvent E(EngineEventKind kind, double start, double end, int step) => new("a", kind, Ticks(start), Ticks(end), step, 16);
        EngineRequestEvent[] events =
        [
            E(EngineEventKind.Prefill, 110, 130, 0),
            E(EngineEventKind.Prefill, 150, 170, 1),

            // The step's decode span covers the whole step, prefill included.
            E(EngineEventKind.Decode, 150, 190, 1),
            E(EngineEventKind.Decode, 190, 210, 2),
        ];

        TimelineData data = TimelineData.Build("v", [Request("a", "v", 100, 100, 110, [170, 190, 210])], engineEvents: events);

        TimelineBar a = Assert.Single(data.Bars);
        Assert.Equal(4, a.Segments.Count);
        AssertSegment(a.Segments[0], TimelineSegmentKind.Queue, 0, 10);
        AssertSegment(a.Segments[1], TimelineSegmentKind.Prefill, 10, 30);
        AssertSegment(a.Segments[2], TimelineSegmentKind.Prefill, 50, 70);
        AssertSegment(a.Segments[3], TimelineSegmentKind.Decode, 70, 110);
    }

    [Fact]
    public void WithoutEngineEventsNothingChanges()
    {
        RequestRecord r = Request("a", "v", 1000, 1005, 1030, [1100, 1150]);

        TimelineData plain = TimelineData.Build("v", [r]);
        TimelineData empty = TimelineData.Build("v", [r], engineEvents: []);

        Assert.False(plain.FromEngine);
        Assert.False(empty.FromEngine);
        Assert.Equal(plain.Bars[0].Segments, empty.Bars[0].Segments);
        Assert.Equal([TimelineSegmentKind.Queue, TimelineSegmentKind.Prefill, TimelineSegmentKind.Decode], plain.Bars[0].Segments.Select(s => s.Kind));
    }

    [Fact]
    public void AFailedRequestKeepsItsEngineWorkAndEndsInTheFailure()
    {
        EngineRequestEvent[] events =
        [
            new("bad", EngineEventKind.Prefill, Ticks(120), Ticks(150), 0, 32),
            new("bad", EngineEventKind.Decode, Ticks(150), Ticks(170), 1, 0),
        ];

        TimelineData data = TimelineData.Build("v", [Request("bad", "v", 100, 101, 120, [], completedMs: 200, error: "out of memory")], engineEvents: events);

        TimelineBar bar = Assert.Single(data.Bars);
        Assert.True(bar.Failed);
        Assert.Equal(4, bar.Segments.Count);
        AssertSegment(bar.Segments[1], TimelineSegmentKind.Prefill, 20, 50);
        AssertSegment(bar.Segments[2], TimelineSegmentKind.Decode, 50, 70);
        AssertSegment(bar.Segments[3], TimelineSegmentKind.Failed, 70, 100);
        Assert.Equal(100, bar.EndMs, 6);
    }
}
