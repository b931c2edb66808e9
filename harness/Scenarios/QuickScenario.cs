namespace Harness.Scenarios;

/// <summary>
/// <c>--quick</c>: the same scenario shrunk (fewer requests, shorter sequences, one repetition) so it finishes in about a
/// minute, for smoke tests and CI. Results say they were produced in quick mode.
/// </summary>
internal static class QuickScenario
{
    public const int Requests = 8;
    public const int MaxInputTokens = 128;
    public const int MaxOutputTokens = 24;

    public static Scenario Shrink(Scenario s) => s with
    {
        Name = s.Name,
        Workload = s.Workload with
        {
            Requests = Math.Min(s.Workload.Requests, Requests),
            MaxRequests = Math.Min(s.Workload.MaxRequests ?? Requests, Requests),
            InputTokens = Cap(s.Workload.InputTokens, MaxInputTokens),
            OutputTokens = Cap(s.Workload.OutputTokens, MaxOutputTokens),
        },
        Load = s.Load with { SweepSteps = Math.Min(s.Load.SweepSteps, 2) },
        Warmup = Math.Min(s.Warmup, 1),
        Repetitions = 1,
        Limits = s.Limits with { MaxRequests = Math.Min(s.Limits.MaxRequests ?? Requests, Requests) },
    };

    private static DistributionSpec Cap(DistributionSpec d, int max) => d with
    {
        Value = Math.Min(d.Value, max),
        Min = Math.Min(d.Min, max),
        Max = Math.Min(d.Max, max),
        Mean = Math.Min(d.Mean, max),
    };
}
