namespace Harness.Scenarios;

/// <summary>Caps on one variant's run: measured requests and wall time (whichever is hit first).</summary>
internal sealed record LimitsSpec(int? MaxRequests, double? DurationS);
