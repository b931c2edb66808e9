namespace Harness.Statistics;

/// <summary>Shapes of <see cref="BootstrapStatistic"/>.</summary>
internal enum BootstrapStatisticKind
{
    Mean,
    Percentile,
    RatioOfSums,
}
