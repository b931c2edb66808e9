namespace Harness.Workloads;

/// <summary>
/// The scenario's requests before any engine is known: lengths and (for traces) arrivals. The same plan feeds every
/// variant, so variants are compared on identical work.
/// </summary>
/// <param name="Measured">Requests whose results count (already capped by <c>limits.max_requests</c>).</param>
/// <param name="Warmup">Requests sent one at a time before measuring; never in statistics.</param>
/// <param name="Description">For result files, e.g. "synthetic: 16 requests, input uniform[32, 128], ...".</param>
/// <param name="Notes">What was skipped or changed on the way (trace rows outside the window, zero-token rows).</param>
/// <param name="Seed">Seed for prompt contents.</param>
/// <param name="ClipToContext">Whether lengths are cut to the engine's context (else too-long requests fail).</param>
internal sealed record WorkloadPlan(
    IReadOnlyList<WorkloadRequest> Measured,
    IReadOnlyList<WorkloadRequest> Warmup,
    string Description,
    IReadOnlyList<string> Notes,
    long Seed,
    bool ClipToContext);
