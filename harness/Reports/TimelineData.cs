using Harness.Metrics;

namespace Harness.Reports;

/// <summary>
/// The request timeline of one variant: where each measured request spent its time. Warm-up requests are left out
/// (they are excluded from every statistic); failed requests are kept and flagged. Only the first
/// <see cref="Shown"/> requests by scheduled time are drawn, because a chart with hundreds of bars is unreadable.
/// </summary>
/// <param name="Variant">Variant name.</param>
/// <param name="Bars">One per shown request, ordered by scheduled time (ties by id).</param>
/// <param name="TotalRequests">Measured requests of the variant, shown or not.</param>
internal sealed record TimelineData(string Variant, IReadOnlyList<TimelineBar> Bars, int TotalRequests)
{
    public const int DefaultMaxRequests = 60;

    public int Shown => Bars.Count;

    public int FailedShown => Bars.Count(b => b.Failed);

    /// <summary>Builds the timeline of <paramref name="variant"/> from its records (records of other variants are ignored).</summary>
    public static TimelineData Build(string variant, IEnumerable<RequestRecord> records, int maxRequests = DefaultMaxRequests)
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
        var bars = new List<TimelineBar>(shown.Count);
        for (int i = 0; i < shown.Count; i++)
        {
            bars.Add(BuildBar(i, shown[i], origin));
        }

        return new TimelineData(variant, bars, measured.Count);
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

        return new TimelineBar(row, r.Id, failed, segments);
    }

    private static void Add(List<TimelineSegment> segments, TimelineSegmentKind kind, double start, double end)
    {
        if (end > start)
        {
            segments.Add(new TimelineSegment(kind, start, end));
        }
    }
}
