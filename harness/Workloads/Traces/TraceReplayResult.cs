namespace Harness.Workloads.Traces;

/// <summary>A replayable workload (requests with arrival offsets) and what was done to the trace to get it.</summary>
internal sealed record TraceReplayResult(IReadOnlyList<WorkloadRequest> Requests, TraceReplayStats Stats);
