namespace Harness.Workloads;

/// <summary>What a synthetic workload draws.</summary>
/// <param name="Count">Number of requests.</param>
/// <param name="Input">Prompt lengths (a request's length includes its shared prefix).</param>
/// <param name="Output">Output lengths.</param>
/// <param name="Seed">Seed; the same options give the same workload.</param>
/// <param name="PrefixGroups">G: number of shared-prefix groups; 0 for none.</param>
/// <param name="PrefixTokens">L: tokens every request of a group shares at its start.</param>
internal sealed record SyntheticWorkloadOptions(
    int Count,
    LengthDistribution Input,
    LengthDistribution Output,
    int Seed,
    int PrefixGroups = 0,
    int PrefixTokens = 0);
