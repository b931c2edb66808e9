using Harness.Metrics;
using Harness.Results;

namespace Harness.Runner;

/// <summary>What a scenario run produced: the result file's content and every request record (warm-up included).</summary>
internal sealed record RunOutcome(RunResult Result, IReadOnlyList<RequestRecord> Records);
