namespace Harness.Comparison;

/// <summary>One gate judged in one compared variant.</summary>
/// <param name="Gate">The gate as written, e.g. "ttft_ms.p99:15".</param>
/// <param name="Variant">The variant it was judged in; "BASELINE:CANDIDATE" for a <c>--pair</c> of differently named variants.</param>
/// <param name="Status">Passed, failed or unevaluable.</param>
/// <param name="Reason">One line: the change and interval, or why it could not be judged.</param>
internal sealed record GateOutcome(string Gate, string Variant, GateStatus Status, string Reason);
