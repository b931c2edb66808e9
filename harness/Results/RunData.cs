using Harness.Metrics;

namespace Harness.Results;

/// <summary>A run directory read back: its result file, its per-request records and what the engine reported.</summary>
/// <param name="Telemetry">Per variant, the engine's events and steps; empty when the engine reported none (or the run predates them).</param>
internal sealed record RunData(string Directory, RunResult Result, IReadOnlyList<RequestRecord> Records, IReadOnlyList<VariantTelemetry> Telemetry);
