namespace Harness.Scenarios;

/// <summary>
/// Where requests come from: synthetic lengths (<see cref="InputTokens"/>, <see cref="OutputTokens"/>) or a replayed
/// trace (<see cref="Trace"/>, format recognised from its header).
/// </summary>
internal sealed record WorkloadSpec(
    int Requests,
    DistributionSpec InputTokens,
    DistributionSpec OutputTokens,
    int SharedPrefixGroups,
    int SharedPrefixTokens,
    string? Trace,
    double TimeScale,
    double? WindowStartS,
    double? WindowEndS,
    int? MaxRequests,
    bool ClipToContext,
    double LengthScale = 1.0)
{
    public bool IsTrace => Trace is not null;
}
