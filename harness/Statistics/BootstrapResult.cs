namespace Harness.Statistics;

/// <summary>A bootstrap comparison of B against baseline A.</summary>
/// <param name="Statistic">What was compared, e.g. "p99".</param>
/// <param name="Direction">Which way is better for the metric.</param>
/// <param name="BaselineValue">The statistic on A.</param>
/// <param name="CandidateValue">The statistic on B.</param>
/// <param name="RelativeChange">(B - A) / A on the full samples: the point estimate (0.10 = +10 %).</param>
/// <param name="CiLow">Lower end of the percentile-bootstrap interval of the relative change.</param>
/// <param name="CiHigh">Upper end of the interval.</param>
/// <param name="Confidence">Interval level (0.95).</param>
/// <param name="Resamples">Bootstrap resamples drawn.</param>
/// <param name="Verdict">Better or Worse when the interval excludes 0, else NoSignificantChange.</param>
internal sealed record BootstrapResult(
    string Statistic,
    MetricDirection Direction,
    double BaselineValue,
    double CandidateValue,
    double RelativeChange,
    double CiLow,
    double CiHigh,
    double Confidence,
    int Resamples,
    ChangeVerdict Verdict);
