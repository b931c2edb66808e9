namespace Harness.Scenarios;

/// <summary>
/// <c>accuracy.load_agreement</c>: each measured request's greedy output under the scenario's load against the same
/// request regenerated alone (one request at a time) on the same engine afterwards.
/// </summary>
/// <param name="MaxRequests">Regenerate at most this many distinct requests (in workload order); null = all.</param>
internal sealed record LoadAgreementSpec(int? MaxRequests = null);
