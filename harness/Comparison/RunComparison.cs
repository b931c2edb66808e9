using Harness.Cli;
using Harness.Statistics;

namespace Harness.Comparison;

/// <summary>Everything <c>compare</c> found: per-variant comparisons, warnings and gate outcomes.</summary>
/// <param name="Baseline">Baseline run directory (A).</param>
/// <param name="Candidate">Candidate run directory (B); changes are (B - A) / A.</param>
/// <param name="Bootstrap">Resamples, confidence and seed used for every interval.</param>
/// <param name="Warnings">Reasons the runs may not be comparable (environment, incomplete runs, differing configs).</param>
/// <param name="OnlyInBaseline">Variants the candidate lacks; empty when <c>--pair</c> chose the variants.</param>
/// <param name="OnlyInCandidate">Variants the baseline lacks; empty when <c>--pair</c> chose the variants.</param>
internal sealed record RunComparison(
    string Baseline,
    string Candidate,
    BootstrapOptions Bootstrap,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> OnlyInBaseline,
    IReadOnlyList<string> OnlyInCandidate,
    IReadOnlyList<VariantComparison> Variants,
    IReadOnlyList<GateOutcome> Gates)
{
    /// <summary>1 when a gate tripped; else 2 when a gate could not be judged; else 0.</summary>
    public int ExitCode =>
        Gates.Any(g => g.Status == GateStatus.Failed) ? ExitCodes.Failure
        : Gates.Any(g => g.Status == GateStatus.Unevaluable) ? ExitCodes.UsageError
        : ExitCodes.Success;
}
