using Harness.Metrics;

namespace Harness.Results;

/// <summary>A run directory read back: its result file and its per-request records.</summary>
internal sealed record RunData(string Directory, RunResult Result, IReadOnlyList<RequestRecord> Records);
