using Harness.Accuracy;
using Harness.Results;
using Harness.Statistics;

namespace Harness.Tests.Harness.Accuracy;

public sealed class AccuracyIntervalTests
{
    [Theory]
    [InlineData(8, 10, 0.490162, 0.943318)]
    [InlineData(80, 100, 0.711171, 0.866633)]
    [InlineData(0, 10, 0.0, 0.277533)]
    [InlineData(10, 10, 0.722467, 1.0)]
    public void WilsonIntervalMatchesTheFormula(int successes, int trials, double low, double high)
    {
        ConfidenceInterval ci = WilsonInterval.For(successes, trials);

        Assert.Equal(low, ci.Low, 5);
        Assert.Equal(high, ci.High, 5);
        Assert.True(ci.Contains((double)successes / trials));
    }

    [Fact]
    public void WilsonIntervalShrinksLikeOneOverRootN()
    {
        double small = WilsonInterval.For(8, 10).Width;
        double large = WilsonInterval.For(800, 1000).Width;

        // 100x the trials: about a tenth of the width.
        Assert.InRange(large / small, 0.08, 0.12);
    }

    [Fact]
    public void NormalQuantileGivesTheUsualZ()
    {
        Assert.Equal(1.959963985, WilsonInterval.NormalQuantile(0.975), 7);
        Assert.Equal(-2.326347874, WilsonInterval.NormalQuantile(0.01), 7);
        Assert.Equal(0.0, WilsonInterval.NormalQuantile(0.5), 12);
    }

    [Fact]
    public void BootstrapIntervalContainsTheRatioAndShrinksWithMoreUnits()
    {
        static (double[] Num, double[] Den) Units(int n)
        {
            var rng = new Random(11);
            double[] den = [.. Enumerable.Range(0, n).Select(_ => 50.0 + rng.Next(100))];
            double[] num = [.. den.Select(d => d * (0.02 + 0.02 * rng.NextDouble()))];
            return (num, den);
        }

        (double[] n10, double[] d10) = Units(10);
        (double[] n1000, double[] d1000) = Units(1000);
        AccuracyFigure few = AccuracyFigures.Ratio(n10, d10, "sequences");
        AccuracyFigure many = AccuracyFigures.Ratio(n1000, d1000, "sequences");

        Assert.InRange(few.Value, few.CiLow, few.CiHigh);
        Assert.InRange(many.Value, many.CiLow, many.CiHigh);
        Assert.InRange(many.Value, 0.029, 0.031);
        Assert.True(few.CiHigh - few.CiLow > 0);
        Assert.InRange((many.CiHigh - many.CiLow) / (few.CiHigh - few.CiLow), 0.03, 0.25);
        Assert.Equal((10, "bootstrap", 0.95), (few.N, few.Interval, few.Confidence));
    }

    [Fact]
    public void TheBootstrapResamplesWholeUnits()
    {
        // Two sequences that disagree completely with each other: one all-agreeing, one never. Resampling positions
        // would give a narrow interval around 0.5; resampling the two units can only give 0, 0.5 or 1.
        AccuracyFigure f = AccuracyFigures.Ratio([100, 0], [100, 100], "sequences");

        Assert.Equal(0.5, f.Value);
        Assert.Equal(0.0, f.CiLow);
        Assert.Equal(1.0, f.CiHigh);
    }

    [Fact]
    public void IdenticalUnitsGiveAPointInterval()
    {
        AccuracyFigure f = AccuracyFigures.Mean([3, 3, 3, 3], "prompts");

        Assert.Equal((3.0, 3.0, 3.0), (f.Value, f.CiLow, f.CiHigh));
    }
}
