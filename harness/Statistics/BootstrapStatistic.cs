using System.Globalization;

namespace Harness.Statistics;

/// <summary>The statistic compared between two samples: the mean, a nearest-rank percentile, or a ratio of sums.</summary>
internal sealed record BootstrapStatistic
{
    private BootstrapStatistic(BootstrapStatisticKind kind, double percentile, string name)
    {
        Kind = kind;
        Percentile = percentile;
        Name = name;
    }

    public BootstrapStatisticKind Kind { get; }

    /// <summary>For <see cref="BootstrapStatisticKind.Percentile"/>: the fraction (0.99 for p99).</summary>
    public double Percentile { get; }

    public string Name { get; }

    public static BootstrapStatistic Mean { get; } = new(BootstrapStatisticKind.Mean, 0, "mean");

    /// <summary>sum(numerator) / sum(denominator) over the (resampled) requests, e.g. tokens / seconds.</summary>
    public static BootstrapStatistic RatioOfSums { get; } = new(BootstrapStatisticKind.RatioOfSums, 0, "ratio");

    /// <summary>Nearest-rank percentile, <paramref name="fraction"/> in (0, 1].</summary>
    public static BootstrapStatistic AtPercentile(double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new HarnessInputException($"percentile must be in (0, 1], got {fraction.ToString(CultureInfo.InvariantCulture)}");
        }

        return new BootstrapStatistic(BootstrapStatisticKind.Percentile, fraction, "p" + (fraction * 100).ToString("0.###", CultureInfo.InvariantCulture));
    }
}
