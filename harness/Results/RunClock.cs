using System.Diagnostics;
using Harness.Metrics;

namespace Harness.Results;

/// <summary>
/// The time base every file of a run directory shares: integer microseconds since the earliest
/// <see cref="RequestRecord.ScheduledAt"/> of the run. A Stopwatch's origin is arbitrary (boot time) and means nothing
/// outside the process; one origin for all files is what lets engine events join request rows by time.
/// </summary>
internal static class RunClock
{
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1e6;

    /// <summary>The earliest scheduled send of <paramref name="records"/>, in Stopwatch ticks; 0 when there are none.</summary>
    public static long Origin(IReadOnlyList<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Count == 0 ? 0 : records.Min(r => r.ScheduledAt);
    }

    /// <summary>
    /// The records with every time as the run directory stores it (whole microseconds from <see cref="Origin"/>, read
    /// back as ticks), so a figure computed at run time equals the one computed later from <c>requests.csv</c>.
    /// Records already read back from the file come out unchanged.
    /// </summary>
    public static IReadOnlyList<RequestRecord> AsStored(IReadOnlyList<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        long origin = Origin(records);
        long Stored(long ticks) => FromMicroseconds(ToMicroseconds(ticks - origin));
        return [.. records.Select(r => r with
        {
            ScheduledAt = Stored(r.ScheduledAt),
            SentAt = Stored(r.SentAt),
            ComputeStartAt = r.ComputeStartAt is long cs ? Stored(cs) : null,
            TokenTimes = [.. r.TokenTimes.Select(Stored)],
            CompletedAt = Stored(r.CompletedAt),
        })];
    }

    public static long ToMicroseconds(long ticks) => (long)Math.Round(ticks / TicksPerMicrosecond);

    public static long FromMicroseconds(long microseconds) => (long)Math.Round(microseconds * TicksPerMicrosecond);

    public static double ToSeconds(long ticks) => ticks / (double)Stopwatch.Frequency;
}
