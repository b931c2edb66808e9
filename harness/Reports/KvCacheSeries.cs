using Harness.Engines;
using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// One variant's KV cache bytes over time, ready to plot: at the end of each engine step (or of each bucket of steps
/// when there are more than a chart can show), used, allocated and capacity in MiB against seconds since the run's
/// origin (the <see cref="RunClock"/> of <c>requests.csv</c>).
/// </summary>
/// <param name="Variant">Variant (or sweep point) name.</param>
/// <param name="Steps">Engine steps the series was made from (before any bucketing).</param>
internal sealed record KvCacheSeries(string Variant, int Steps, IReadOnlyList<double> Seconds, IReadOnlyList<double> UsedMiB, IReadOnlyList<double> AllocatedMiB, IReadOnlyList<double> CapacityMiB)
{
    /// <summary>More points than this are bucketed: a 900-pixel chart cannot show them, and an SVG would grow by megabytes.</summary>
    public const int DefaultMaxPoints = 2000;

    private const double BytesPerMiB = 1024 * 1024;

    /// <param name="origin">The run's origin in the telemetry's ticks (<see cref="RunClock.Origin"/> of the run's records).</param>
    /// <param name="maxPoints">Above this many steps, consecutive steps are merged into buckets that keep their largest
    /// used, allocated and capacity figures (a peak must never be averaged away) at the bucket's last time.</param>
    public static KvCacheSeries From(VariantTelemetry telemetry, long origin, int maxPoints = DefaultMaxPoints)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        IReadOnlyList<EngineStep> steps = telemetry.Steps;
        int buckets = Math.Min(steps.Count, maxPoints);
        var seconds = new double[buckets];
        var used = new double[buckets];
        var allocated = new double[buckets];
        var capacity = new double[buckets];
        for (int b = 0; b < buckets; b++)
        {
            // Bucket b holds steps [b * n / buckets, (b + 1) * n / buckets): every step in exactly one bucket.
            int first = (int)((long)b * steps.Count / buckets);
            int end = (int)((long)(b + 1) * steps.Count / buckets);
            long maxUsed = 0;
            long maxAllocated = 0;
            long maxCapacity = 0;
            for (int i = first; i < end; i++)
            {
                maxUsed = Math.Max(maxUsed, steps[i].KvUsedBytes);
                maxAllocated = Math.Max(maxAllocated, steps[i].KvAllocatedBytes);
                maxCapacity = Math.Max(maxCapacity, steps[i].KvCapacityBytes);
            }

            seconds[b] = RunClock.ToSeconds(steps[end - 1].End - origin);
            used[b] = maxUsed / BytesPerMiB;
            allocated[b] = maxAllocated / BytesPerMiB;
            capacity[b] = maxCapacity / BytesPerMiB;
        }

        return new KvCacheSeries(telemetry.Variant, steps.Count, seconds, used, allocated, capacity);
    }
}
