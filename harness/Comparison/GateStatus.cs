namespace Harness.Comparison;

/// <summary>How a regression gate came out in one variant.</summary>
internal enum GateStatus
{
    /// <summary>No significant regression beyond the threshold.</summary>
    Passed,

    /// <summary>A significant regression larger than the threshold.</summary>
    Failed,

    /// <summary>The metric could not be compared (no samples, zero baseline): the gate cannot vouch for the run.</summary>
    Unevaluable,
}
