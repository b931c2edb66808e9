using Harness.Statistics;

namespace Harness.Comparison;

/// <summary>A gate's outcome: failed when the change is a significant regression larger than the threshold.</summary>
internal sealed record GateDecision(GateSpec Gate, BootstrapResult Comparison, bool Failed, string Reason);
