using Harness.Engines;
using Harness.Metrics;

namespace Harness.Reports;

/// <summary>
/// The request timeline of one variant: where each measured request spent its time. Warm-up requests are left out
/// (they are excluded from every statistic); failed requests are kept and flagged. Only the first
/// <see cref="Shown"/> requests by scheduled time are drawn, because a chart with hundreds of bars is unreadable.
/// Where the engine reported events for a request, its phases are the engine's own (prefill and recompute spans,
/// decode steps, preemptions); otherwise they are inferred from the client's timestamps.
/// </summary>
/// <param name="Variant">Variant name.</param>
/// <param name="Bars">One per shown request, ordered by scheduled time (ties by id).</param>
/// <param name="TotalRequests">Measured requests of the variant, shown or not.</param>
/// <param name="FromEngine">True when at least one shown bar was drawn from engine events.</param>
internal sealed record TimelineData(string Variant, IReadOnlyList<TimelineBar> Bars, int TotalRequests, bool FromEngine = false)
{
    public const int DefaultMaxRequests = 60;

    public int Shown => Bars.Count;

    public int FailedShown => Bars.Count(b => b.Failed);

    public int PreemptionsShown => Bars.Sum(b => b.PreemptedAtMs.Count);

    /// <summary>Builds the timeline of <paramref name="variant"/> from its records (records of other variants are ignored).</summary>
    /// <param name="engineEvents">The variant's engine events on the records' clock, joined to records by request id; null without telemetry.</param>
    public static TimelineData Build(string variant, IEnumerable<RequestRecord> records, int maxRequests = DefaultMaxRequests, IReadOnlyList<EngineRequestEvent>? engineEvents = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRequests);
        List<RequestRecord> measured = [.. records
            .Where(r => !r.IsWarmup && string.Equals(r.Variant, variant, StringComparison.Ordinal))
            .OrderBy(r => r.ScheduledAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal)];
        List<RequestRecord> shown = measured.Take(maxRequests).ToList();
        if (shown.Count == 0)
        {
            return new TimelineData(variant, [], measured.Count);
        }

        long origin = shown[0].ScheduledAt;
        ILookup<string, EngineRequestEvent> byRequest = (engineEvents ?? []).ToLookup(e => e.RequestId, StringComparer.Ordinal);
        var bars = new List<TimelineBar>(shown.Count);
        bool fromEngine = false;
        for (int i = 0; i < shown.Count; i++)
        {
            TimelineBar? engineBar = BuildEngineBar(i, shown[i], byRequest[shown[i].Id], origin);
            fromEngine |= engineBar is not null;
            bars.Add(engineBar ?? BuildBar(i, shown[i], origin));
        }

        return new TimelineData(variant, bars, measured.Count, fromEngine);
    }

    /// <summary>
    /// A bar from the engine's events for the request, or null when it has no compute event (the client's view is
    /// then all there is). Spans are laid end to end in time order; where two overlap (a decode step's span covers
    /// the prefill done in that step) the earlier-starting one keeps the overlap, and at equal starts prefill and
    /// recompute win over decode, so the work that produced a token is what shows.
    /// </summary>
    private static TimelineBar? BuildEngineBar(int row, RequestRecord r, IEnumerable<EngineRequestEvent> events, long origin)
    {
        double Ms(long ticks) => RequestMetrics.TicksToMs(ticks - origin);

        EngineRequestEvent[] ordered = [.. events.OrderBy(e => e.Start)];
        EngineRequestEvent[] compute = [.. ordered.Where(e => e.Kind is EngineEventKind.Prefill or EngineEventKind.Recompute or EngineEventKind.Decode)];
        if (compute.Length == 0)
        {
            return null;
        }

        double scheduled = Ms(r.ScheduledAt);
        var spans = new List<TimelineSegment>();
        for (int i = 0; i < compute.Length; i++)
        {
            EngineRequestEvent e = compute[i];
            if (e.Kind != EngineEventKind.Decode)
            {
                spans.Add(new TimelineSegment(e.Kind == EngineEventKind.Prefill ? TimelineSegmentKind.Prefill : TimelineSegmentKind.Recompute, Ms(e.Start), Ms(e.End)));
                continue;
            }

            // Consecutive decode steps are one stretch of decoding; a gap in step numbers (a step without it) breaks it.
            int last = i;
            while (last + 1 < compute.Length && compute[last + 1].Kind == EngineEventKind.Decode && compute[last + 1].Step == compute[last].Step + 1)
            {
                last++;
            }

            spans.Add(new TimelineSegment(TimelineSegmentKind.Decode, Ms(e.Start), Ms(compute[last].End)));
            i = last;
        }

        double[] preempted = [.. ordered.Where(e => e.Kind == EngineEventKind.Preempted).Select(e => Math.Max(scheduled, Ms(e.Start)))];
        double computeEnd = spans.Max(s => s.EndMs);
        long clientEndTicks = r.TokenTimes.Length > 0 ? Math.Max(r.CompletedAt, r.TokenTimes[^1]) : r.CompletedAt;
        double clientEnd = Ms(clientEndTicks);
        double[] computeStarts = [.. spans.Select(s => s.StartMs)];
        foreach (double at in preempted)
        {
            // Waiting from the preemption until the engine next computes the request (or until it ended).
            double resumed = computeStarts.Where(start => start >= at).DefaultIfEmpty(Math.Max(clientEnd, at)).Min();
            spans.Add(new TimelineSegment(TimelineSegmentKind.Preempted, at, resumed));
        }

        var segments = new List<TimelineSegment>();
        double firstCompute = Math.Max(scheduled, computeStarts.Min());
        Add(segments, TimelineSegmentKind.Queue, scheduled, firstCompute);
        double cursor = firstCompute;
        foreach (TimelineSegment s in spans.OrderBy(s => s.StartMs).ThenBy(s => s.Kind == TimelineSegmentKind.Decode ? 1 : 0))
        {
            double start = Math.Max(cursor, s.StartMs);
            Add(segments, s.Kind, start, s.EndMs);
            cursor = Math.Max(cursor, s.EndMs);
        }

        bool failed = !r.Succeeded;
        if (failed)
        {
            // Whatever the engine did, the request failed: the stretch after its last compute up to the client's end
            // is the failure, and the chart's cross marks the end.
            Add(segments, TimelineSegmentKind.Failed, Math.Max(cursor, computeEnd), Math.Max(clientEnd, cursor));
        }

        if (segments.Count == 0)
        {
            segments.Add(new TimelineSegment(failed ? TimelineSegmentKind.Failed : TimelineSegmentKind.Decode, scheduled, scheduled));
        }

        return new TimelineBar(row, r.Id, failed, segments, preempted);
    }

    private static TimelineBar BuildBar(int row, RequestRecord r, long origin)
    {
        double Ms(long ticks) => RequestMetrics.TicksToMs(ticks - origin);

        // Each boundary is kept at or after the previous one, so a clock quirk (compute start reported before the
        // scheduled time) shortens a phase to nothing instead of drawing a bar backwards.
        double scheduled = Ms(r.ScheduledAt);
        double start = Math.Max(scheduled, Ms(r.ComputeStartAt ?? r.SentAt));
        long endTicks = r.TokenTimes.Length > 0 ? Math.Max(r.CompletedAt, r.TokenTimes[^1]) : r.CompletedAt;
        double end = Math.Max(start, Ms(endTicks));
        var segments = new List<TimelineSegment>(3);
        Add(segments, TimelineSegmentKind.Queue, scheduled, start);
        bool failed = !r.Succeeded;
        if (failed)
        {
            Add(segments, TimelineSegmentKind.Failed, start, end);
        }
        else
        {
            double firstToken = Math.Clamp(Ms(r.TokenTimes[0]), start, end);
            Add(segments, TimelineSegmentKind.Prefill, start, firstToken);
            Add(segments, TimelineSegmentKind.Decode, firstToken, end);
        }

        // A request that took no measurable time still gets a (zero-length) bar so its row is not silently empty.
        if (segments.Count == 0)
        {
            segments.Add(new TimelineSegment(failed ? TimelineSegmentKind.Failed : TimelineSegmentKind.Decode, scheduled, scheduled));
        }

        return new TimelineBar(row, r.Id, failed, segments, []);
    }

    private static void Add(List<TimelineSegment> segments, TimelineSegmentKind kind, double start, double end)
    {
        if (end > start)
        {
            segments.Add(new TimelineSegment(kind, start, end));
        }
    }
}
