namespace Harness.Statistics;

/// <summary>Outcome of comparing run B against baseline A.</summary>
internal enum ChangeVerdict
{
    /// <summary>The confidence interval lies entirely on the improving side of 0.</summary>
    Better,

    /// <summary>The confidence interval lies entirely on the worsening side of 0.</summary>
    Worse,

    /// <summary>The confidence interval contains 0.</summary>
    NoSignificantChange,
}
