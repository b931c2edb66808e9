namespace Harness.Scenarios;

/// <summary>Service-level objectives; a request is "good" (counts toward goodput) when it meets every one that is set.</summary>
internal sealed record SloSpec(double? TtftMs, double? TpotMs, double? E2eMs);
