namespace Harness.Scenarios;

/// <summary>
/// How requests are sent. <see cref="Pattern"/>: offline (all at t=0), single (one at a time), concurrency (closed
/// loop, N in flight), poisson / gamma (open loop at <see cref="Rate"/>, gamma shape = <see cref="Burstiness"/>),
/// trace (the trace's own timestamps), sweep (single stream, then saturation, then <see cref="SweepSteps"/> rates in
/// between).
/// </summary>
internal sealed record LoadSpec(
    string Pattern,
    double Rate,
    int Concurrency,
    double Burstiness,
    int SweepSteps)
{
    public static IReadOnlyList<string> Patterns { get; } = ["offline", "single", "concurrency", "poisson", "gamma", "trace", "sweep"];
}
