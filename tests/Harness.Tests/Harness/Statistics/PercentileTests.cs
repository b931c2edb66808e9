using Harness.Engines.Statistics;
using Harness.Statistics;

namespace Harness.Tests.Harness.Statistics;

public sealed class PercentileTests
{
    [Fact]
    public void NearestRankIsTheValueAtRankCeilingOfPTimesN()
    {
        double[] values = [50, 10, 40, 20, 30];

        Assert.Equal(10, Percentile.NearestRank(values, 0.01));
        Assert.Equal(30, Percentile.NearestRank(values, 0.5));
        Assert.Equal(40, Percentile.NearestRank(values, 0.8));
        Assert.Equal(50, Percentile.NearestRank(values, 0.81));
        Assert.Equal(50, Percentile.NearestRank(values, 1));
        Assert.Equal([50, 10, 40, 20, 30], values);
        Assert.True(double.IsNaN(Percentile.NearestRank([], 0.99)));
    }

    [Fact]
    public void SelectionAgreesWithSorting()
    {
        Random rng = new(8);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = 1 + rng.Next(300);
            double[] values = [.. Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * 20))]; // many ties
            double[] sorted = [.. values.Order()];
            int k = rng.Next(n);
            double p = rng.NextDouble();

            Assert.Equal(sorted[k], QuickSelect.Select(values.AsSpan(), k));
            Assert.Equal(sorted[Math.Clamp((int)Math.Ceiling(p * n), 1, n) - 1], Percentile.NearestRankInPlace(values, p));
        }
    }

    [Fact]
    public void InterpolatedMatchesNumpysDefault()
    {
        // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 90, 100]) = [1, 1.75, 2.5, 3.7, 4]
        double[] sorted = [1, 2, 3, 4];

        Assert.Equal(1, Percentile.Interpolated(sorted, 0));
        Assert.Equal(1.75, Percentile.Interpolated(sorted, 0.25), 12);
        Assert.Equal(2.5, Percentile.Interpolated(sorted, 0.5), 12);
        Assert.Equal(3.7, Percentile.Interpolated(sorted, 0.9), 12);
        Assert.Equal(4, Percentile.Interpolated(sorted, 1));
    }
}
