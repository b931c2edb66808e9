namespace Harness.Workloads;

/// <summary>
/// The plain description of a length distribution as a scenario file states it; <see cref="LengthDistribution.FromSpec"/>
/// checks it and builds the sampler.
/// </summary>
/// <param name="Kind">fixed, uniform, normal, lognormal or empirical.</param>
/// <param name="Value">fixed: the length.</param>
/// <param name="Min">Smallest length drawn (default 1); uniform's lower bound; clamp for the others.</param>
/// <param name="Max">Largest length drawn; uniform's upper bound (inclusive); clamp for the others.</param>
/// <param name="Mean">normal/lognormal: mean of the lengths.</param>
/// <param name="Std">normal/lognormal: standard deviation of the lengths.</param>
/// <param name="Mu">lognormal alternative: mean of ln(length).</param>
/// <param name="Sigma">lognormal alternative: standard deviation of ln(length).</param>
/// <param name="Histogram">empirical: (length, weight) pairs; weights need not sum to 1.</param>
internal sealed record LengthDistributionSpec(
    string Kind,
    int? Value = null,
    int? Min = null,
    int? Max = null,
    double? Mean = null,
    double? Std = null,
    double? Mu = null,
    double? Sigma = null,
    IReadOnlyList<KeyValuePair<int, double>>? Histogram = null);
