namespace Harness.Workloads;

/// <summary>A <see cref="WorkloadPlan"/> fitted to one engine: clipped to its context and tokenized.</summary>
/// <param name="Measured">Requests whose results count.</param>
/// <param name="Warmup">Warm-up requests.</param>
/// <param name="Clipped">Measured requests whose lengths were cut to the engine's context.</param>
internal sealed record PreparedWorkload(IReadOnlyList<PreparedRequest> Measured, IReadOnlyList<PreparedRequest> Warmup, int Clipped);
