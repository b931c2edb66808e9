using Harness.Metrics;
using Harness.Results;

namespace Harness.Runner;

/// <summary>What a scenario run produced: the result file's content, every request record (warm-up included) and,
/// per variant, the engine's telemetry (empty when the engine reports none).</summary>
internal sealed record RunOutcome(RunResult Result, IReadOnlyList<RequestRecord> Records, IReadOnlyList<VariantTelemetry> Telemetry);
