using System.Globalization;
using Harness.Sampling;
using Harness.Workloads;

namespace Harness.Load;

/// <summary>
/// When each request is due, as offsets from the run start. Open-loop senders fire request i at
/// <c>start + Offsets[i]</c> whether or not earlier requests have finished.
/// </summary>
/// <param name="Offsets">Non-decreasing offsets from the run start.</param>
/// <param name="Description">For reports, e.g. "poisson(rate=4/s, seed=1)".</param>
internal sealed record ArrivalSchedule(IReadOnlyList<TimeSpan> Offsets, string Description)
{
    /// <summary>
    /// Poisson arrivals at <paramref name="ratePerSecond"/>: exponential gaps with mean 1/rate drawn by inverse
    /// transform. The first request arrives after the first gap, so n arrivals span a Gamma(n, 1/rate) time. Gaps are
    /// not rescaled to hit the rate exactly (vLLM does); the achieved rate varies as a real Poisson process would.
    /// </summary>
    public static ArrivalSchedule Poisson(int count, double ratePerSecond, int seed)
    {
        CheckCountAndRate(count, ratePerSecond);
        System.Random rng = new(seed);
        return Accumulate(count, () => RandomVariates.Exponential(rng) / ratePerSecond, Invariant($"poisson(rate={ratePerSecond}/s, seed={seed})"));
    }

    /// <summary>
    /// Gamma-distributed gaps with shape = <paramref name="burstiness"/> and mean 1/rate (scale = 1/(rate * shape)), as
    /// vLLM's --burstiness: 1 is Poisson in distribution, below 1 burstier, above 1 more regular. The squared coefficient
    /// of variation of the gaps is 1/shape.
    /// </summary>
    public static ArrivalSchedule Gamma(int count, double ratePerSecond, double burstiness, int seed)
    {
        CheckCountAndRate(count, ratePerSecond);
        if (!(burstiness > 0) || !double.IsFinite(burstiness))
        {
            throw new HarnessInputException(Invariant($"burstiness (gamma shape) must be > 0, got {burstiness}"));
        }

        System.Random rng = new(seed);
        double scale = 1.0 / (ratePerSecond * burstiness);
        return Accumulate(count, () => RandomVariates.Gamma(rng, burstiness) * scale, Invariant($"gamma(rate={ratePerSecond}/s, burstiness={burstiness}, seed={seed})"));
    }

    /// <summary>The arrivals a trace replay assigned; every request must have one.</summary>
    public static ArrivalSchedule FromTrace(IReadOnlyList<WorkloadRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var offsets = new TimeSpan[requests.Count];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = requests[i].Arrival
                ?? throw new HarnessInputException($"request {requests[i].Index} ({requests[i].Source}) has no arrival time; trace timing needs one on every request");
        }

        return new ArrivalSchedule(offsets, "trace timestamps");
    }

    /// <summary>Offsets as Stopwatch ticks after <paramref name="startTicks"/>.</summary>
    public long[] ToStopwatchTicks(long startTicks)
    {
        var ticks = new long[Offsets.Count];
        double perTimeSpanTick = System.Diagnostics.Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond;
        for (int i = 0; i < ticks.Length; i++)
        {
            ticks[i] = startTicks + (long)Math.Round(Offsets[i].Ticks * perTimeSpanTick);
        }

        return ticks;
    }

    private static ArrivalSchedule Accumulate(int count, Func<double> gapSeconds, string description)
    {
        // Summed in double seconds and converted once per arrival so rounding never accumulates.
        var offsets = new TimeSpan[count];
        double t = 0;
        for (int i = 0; i < count; i++)
        {
            t += gapSeconds();
            offsets[i] = TimeSpan.FromTicks((long)Math.Round(t * TimeSpan.TicksPerSecond));
        }

        return new ArrivalSchedule(offsets, description);
    }

    private static void CheckCountAndRate(int count, double rate)
    {
        if (count < 0)
        {
            throw new HarnessInputException($"arrival count must be >= 0, got {count}");
        }

        if (!(rate > 0) || !double.IsFinite(rate))
        {
            throw new HarnessInputException(Invariant($"arrival rate must be > 0 requests/s, got {rate}"));
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
