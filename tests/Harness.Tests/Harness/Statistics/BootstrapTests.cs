using Harness.Statistics;

namespace Harness.Tests.Harness.Statistics;

public sealed class BootstrapTests
{
    internal static double[] LogNormalSample(int n, int seed)
    {
        Random rng = new(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            a[i] = Math.Exp(4 + 0.5 * z);
        }

        return a;
    }

    internal static double[] Scaled(double[] a, double factor) => [.. a.Select(x => x * factor)];

    [Fact]
    public void PlantedTenPercentRegressionIsWorse()
    {
        double[] a = LogNormalSample(500, 1);
        double[] b = Scaled(a, 1.10);
        BootstrapResult mean = Bootstrap.Compare(a, b, BootstrapStatistic.Mean, MetricDirection.LowerIsBetter);
        Assert.Equal(ChangeVerdict.Worse, mean.Verdict);
        Assert.Equal(0.10, mean.RelativeChange, 1e-9);
        Assert.True(mean.CiLow > 0 && mean.CiHigh > 0.10);

        BootstrapResult p50 = Bootstrap.Compare(a, b, BootstrapStatistic.AtPercentile(0.5), MetricDirection.LowerIsBetter);
        Assert.Equal(0.10, p50.RelativeChange, 1e-9);
        Assert.InRange(0.10, p50.CiLow, p50.CiHigh); // a median is noisier than a mean; its interval still covers the truth

        // The same change read as throughput (higher is better) is an improvement.
        Assert.Equal(ChangeVerdict.Better, Bootstrap.Compare(a, b, BootstrapStatistic.Mean, MetricDirection.HigherIsBetter).Verdict);
    }

    [Fact]
    public void SameDataShowsNoSignificantChange()
    {
        double[] a = LogNormalSample(500, 2);
        double[] shuffled = [.. a];
        new Random(5).Shuffle(shuffled);
        foreach (BootstrapStatistic s in new[] { BootstrapStatistic.Mean, BootstrapStatistic.AtPercentile(0.5), BootstrapStatistic.AtPercentile(0.99) })
        {
            BootstrapResult self = Bootstrap.Compare(a, a, s, MetricDirection.LowerIsBetter);
            BootstrapResult reshuffled = Bootstrap.Compare(a, shuffled, s, MetricDirection.LowerIsBetter);
            Assert.Equal(ChangeVerdict.NoSignificantChange, self.Verdict);
            Assert.Equal(ChangeVerdict.NoSignificantChange, reshuffled.Verdict);
            Assert.Equal(0, self.RelativeChange);
            Assert.True(self.CiLow < 0 && self.CiHigh > 0);
        }
    }

    [Fact]
    public void DeterministicForASeed()
    {
        double[] a = LogNormalSample(300, 3);
        double[] b = LogNormalSample(300, 4);
        BootstrapResult x = Bootstrap.Compare(a, b, BootstrapStatistic.AtPercentile(0.95), MetricDirection.LowerIsBetter);
        BootstrapResult y = Bootstrap.Compare(a, b, BootstrapStatistic.AtPercentile(0.95), MetricDirection.LowerIsBetter);
        BootstrapResult z = Bootstrap.Compare(a, b, BootstrapStatistic.AtPercentile(0.95), MetricDirection.LowerIsBetter, new BootstrapOptions(Seed: 99));
        Assert.Equal(x, y);
        Assert.NotEqual(x.CiLow, z.CiLow);
        Assert.Equal(2000, x.Resamples);
    }

    [Fact]
    public void RatioOfSumsDetectsThroughputGain()
    {
        double[] seconds = LogNormalSample(400, 6);
        double[] tokens = [.. seconds.Select((s, i) => 100.0 + i % 50)];
        double[] fasterSeconds = Scaled(seconds, 1 / 1.08);
        BootstrapResult r = Bootstrap.CompareRatio(tokens, seconds, tokens, fasterSeconds, MetricDirection.HigherIsBetter);
        Assert.Equal(0.08, r.RelativeChange, 1e-9);
        Assert.Equal(ChangeVerdict.Better, r.Verdict);
    }
}
