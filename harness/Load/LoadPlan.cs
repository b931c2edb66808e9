using System.Globalization;
using Harness.Engines;
using Harness.Scenarios;
using Harness.Workloads;

namespace Harness.Load;

/// <summary>One load point: the pattern, its concurrency (closed loop) or arrival schedule (open loop).</summary>
/// <param name="Kind">Offline, closed or open loop.</param>
/// <param name="Concurrency">Requests in flight for a closed loop.</param>
/// <param name="Schedule">Arrival offsets for an open loop (at least one per request).</param>
/// <param name="Description">For result files, e.g. "poisson(rate=0.5/s, seed=7)".</param>
internal sealed record LoadPlan(LoadPatternKind Kind, int Concurrency, ArrivalSchedule? Schedule, string Description)
{
    private const long ArrivalStream = 31;

    public static LoadPlan Offline { get; } = new(LoadPatternKind.Offline, 0, null, "offline");

    public static LoadPlan Single { get; } = new(LoadPatternKind.ClosedLoop, 1, null, "single");

    public static LoadPlan Closed(int concurrency) =>
        concurrency == 1 ? Single : new(LoadPatternKind.ClosedLoop, concurrency, null, $"concurrency({concurrency.ToString(CultureInfo.InvariantCulture)})");

    public static LoadPlan Open(ArrivalSchedule schedule) => new(LoadPatternKind.OpenLoop, 0, schedule, schedule.Description);

    /// <summary>
    /// The plan for a non-sweep <paramref name="load"/>. Seeded arrivals differ per repetition (independent samples of
    /// the same process) but are the same for every variant, so variants see identical arrival times.
    /// </summary>
    public static LoadPlan For(LoadSpec load, IReadOnlyList<WorkloadRequest> requests, ulong seed, int repetition)
    {
        ArgumentNullException.ThrowIfNull(load);
        int arrivalSeed = ArrivalSeed(seed, repetition);
        return load.Pattern switch
        {
            "offline" => Offline,
            "single" => Single,
            "concurrency" => Closed(load.Concurrency),
            "poisson" => Open(ArrivalSchedule.Poisson(requests.Count, load.Rate, arrivalSeed)),
            "gamma" => Open(ArrivalSchedule.Gamma(requests.Count, load.Rate, load.Burstiness, arrivalSeed)),
            "trace" => Open(ArrivalSchedule.FromTrace(requests)),
            _ => throw new HarnessInputException($"load pattern '{load.Pattern}' has no single plan (sweep runs several)"),
        };
    }

    public static int ArrivalSeed(ulong seed, int repetition) => SplitMix64.DeriveInt(unchecked((long)seed), ArrivalStream, repetition);
}
