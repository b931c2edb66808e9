namespace Harness.Scenarios;

/// <summary>
/// <c>--quick</c>: the same scenario shrunk (fewer requests, shorter sequences, one repetition) so it finishes in about a
/// minute, for smoke tests and CI; the accuracy section shrinks the same way. Results say they were produced in quick mode.
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
        Accuracy = s.Accuracy is null ? null : Shrink(s.Accuracy),
    };

    /// <summary>Accuracy units are capped at 4 (sequences, prompts, windows, items, regenerated requests) and lengths at 64 tokens.</summary>
    private static AccuracySpec Shrink(AccuracySpec a) => a with
    {
        Fidelity = a.Fidelity is { } f ? f with { Sequences = Math.Min(f.Sequences, 4), Length = Math.Min(f.Length, 64), PromptTokens = Math.Min(f.PromptTokens, Math.Min(f.Length, 64) / 2) } : null,
        Greedy = a.Greedy is { } g ? g with { Prompts = Math.Min(g.Prompts, 4), Tokens = Math.Min(g.Tokens, 16) } : null,
        Perplexity = a.Perplexity is { } p ? p with { Window = Math.Min(p.Window, 64), MaxWindows = Math.Min(p.MaxWindows ?? 4, 4) } : null,
        ExactMatch = a.ExactMatch is { } e ? e with { MaxItems = Math.Min(e.MaxItems ?? 4, 4), MaxTokens = Math.Min(e.MaxTokens, 16) } : null,
        LoadAgreement = a.LoadAgreement is { } l ? l with { MaxRequests = Math.Min(l.MaxRequests ?? 4, 4) } : null,
    };

    private static DistributionSpec Cap(DistributionSpec d, int max) => d with
    {
        Value = Math.Min(d.Value, max),
        Min = Math.Min(d.Min, max),
        Max = Math.Min(d.Max, max),
        Mean = Math.Min(d.Mean, max),
    };
}
