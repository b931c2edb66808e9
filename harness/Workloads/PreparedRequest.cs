namespace Harness.Workloads;

/// <summary>A workload request with its prompt ids, ready to send.</summary>
/// <param name="Request">Lengths, arrival and source (lengths after clipping to the engine's context).</param>
/// <param name="PromptIds">Exactly <see cref="WorkloadRequest.InputTokens"/> ids.</param>
internal sealed record PreparedRequest(WorkloadRequest Request, int[] PromptIds);
