namespace Harness.Scenarios;

/// <summary>
/// A token-length distribution as written in a scenario: <c>fixed</c> (value), <c>uniform</c> (min, max),
/// <c>normal</c>/<c>lognormal</c> (mean, std, clamped to min/max), or <c>histogram</c> (values with weights).
/// </summary>
internal sealed record DistributionSpec(
    string Kind,
    double Value = 0,
    double Min = 1,
    double Max = double.MaxValue,
    double Mean = 0,
    double Std = 0,
    IReadOnlyList<double>? Values = null,
    IReadOnlyList<double>? Weights = null);
