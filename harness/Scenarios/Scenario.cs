namespace Harness.Scenarios;

/// <summary>A benchmark scenario: which model and engine variants, fed what workload, under which load, and (optionally) which accuracy measurements follow.</summary>
internal sealed record Scenario(
    string Name,
    string Description,
    string SourcePath,
    string Model,
    EngineSpec Engine,
    WorkloadSpec Workload,
    LoadSpec Load,
    SloSpec Slo,
    int Warmup,
    int Repetitions,
    ulong Seed,
    LimitsSpec Limits,
    AccuracySpec? Accuracy);
