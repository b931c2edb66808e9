using Harness.Metrics;

namespace Harness.Tests.Harness.Metrics;

public sealed class LatencySummaryTests
{
    [Fact]
    public void PercentilesMatchExactNearestRankWithinHistogramPrecision()
    {
        Random rng = new(7);
        double[] values = new double[2000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Exp(4 + 1.2 * Normal(rng)); // ~55 ms median, long tail
        }

        LatencySummary s = LatencySummary.FromMilliseconds(values);
        double[] sorted = [.. values.Order()];
        double Exact(double p) => sorted[(int)Math.Ceiling(p * sorted.Length) - 1];

        Assert.Equal(2000, s.Count);
        AssertClose(Exact(0.50), s.P50);
        AssertClose(Exact(0.90), s.P90);
        AssertClose(Exact(0.95), s.P95);
        AssertClose(Exact(0.99), s.P99);
        Assert.Equal(sorted[^1], s.Max);
        Assert.Equal(values.Average(), s.Mean, 1e-9);
        double mean = values.Average();
        Assert.Equal(Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length), s.Std, 1e-6);
    }

    [Fact]
    public void EmptyInputGivesCountZero() => Assert.Equal(0, LatencySummary.FromMilliseconds([]).Count);

    private static void AssertClose(double exact, double reported)
    {
        // The histogram reports the top of the sample's bucket: never below it, at most RelativeError above it.
        Assert.InRange(reported, exact * (1 - 1e-9), exact * (1 + LatencySummary.RelativeError) + 1e-6);
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
