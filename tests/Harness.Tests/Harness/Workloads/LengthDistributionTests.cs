using Harness.Workloads;

namespace Harness.Tests.Harness.Workloads;

public sealed class LengthDistributionTests
{
    [Fact]
    public void UniformStaysInBoundsAndCoversThem()
    {
        LengthDistribution d = LengthDistribution.Uniform(10, 20);
        int[] draws = Draw(d, 5000, 1);
        Assert.Equal(10, draws.Min());
        Assert.Equal(20, draws.Max());
        Assert.Equal(15, draws.Average(), 0.2);
    }

    [Fact]
    public void LogNormalMeanAndStdAreOfTheLengths()
    {
        int[] draws = Draw(LengthDistribution.LogNormal(1000, 400), 40000, 2);
        double mean = draws.Average();
        double std = Math.Sqrt(draws.Sum(x => (x - mean) * (x - mean)) / draws.Length);
        Assert.InRange(mean, 980, 1020);
        Assert.InRange(std, 380, 420);
    }

    [Fact]
    public void NormalIsClampedToBounds()
    {
        int[] draws = Draw(LengthDistribution.Normal(100, 50, 60, 140), 5000, 3);
        Assert.Equal(60, draws.Min());
        Assert.Equal(140, draws.Max());
    }

    [Fact]
    public void EmpiricalFollowsWeights()
    {
        LengthDistribution d = LengthDistribution.FromSpec(new("empirical", Histogram: [new(100, 1), new(200, 3)]));
        int[] draws = Draw(d, 20000, 4);
        Assert.InRange(draws.Count(x => x == 200) / 20000.0, 0.73, 0.77);
        Assert.True(draws.All(x => x is 100 or 200));
    }

    [Fact]
    public void SameSeedSameDraws() =>
        Assert.Equal(Draw(LengthDistribution.Normal(500, 100), 100, 9), Draw(LengthDistribution.Normal(500, 100), 100, 9));

    [Theory]
    [InlineData("weibull")]
    [InlineData("uniform")]
    [InlineData("fixed")]
    [InlineData("lognormal")]
    public void BadSpecsAreInputErrors(string kind) =>
        Assert.Throws<HarnessInputException>(() => LengthDistribution.FromSpec(new(kind)));

    [Fact]
    public void FromSpecBuildsEachKind()
    {
        Assert.Equal(7, LengthDistribution.FromSpec(new("fixed", Value: 7)).Sample(new Random(1)));
        Assert.Equal(1, LengthDistribution.FromSpec(new("lognormal", Mu: 0, Sigma: 0)).Sample(new Random(1)));
        Assert.Throws<HarnessInputException>(() => LengthDistribution.FromSpec(new("uniform", Min: 9, Max: 3)));
    }

    private static int[] Draw(LengthDistribution d, int n, int seed)
    {
        Random rng = new(seed);
        return [.. Enumerable.Range(0, n).Select(_ => d.Sample(rng))];
    }
}
