using Harness.Load;
using Harness.Workloads;

namespace Harness.Tests.Harness.Load;

public sealed class ArrivalScheduleTests
{
    [Fact]
    public void SameSeedReproducesExactlyAndOtherSeedsDiffer()
    {
        Assert.Equal(ArrivalSchedule.Poisson(500, 8, 42).Offsets, ArrivalSchedule.Poisson(500, 8, 42).Offsets);
        Assert.NotEqual(ArrivalSchedule.Poisson(500, 8, 42).Offsets, ArrivalSchedule.Poisson(500, 8, 43).Offsets);
        Assert.Equal(ArrivalSchedule.Gamma(500, 8, 0.5, 42).Offsets, ArrivalSchedule.Gamma(500, 8, 0.5, 42).Offsets);
        Assert.NotEqual(ArrivalSchedule.Gamma(500, 8, 0.5, 42).Offsets, ArrivalSchedule.Gamma(500, 8, 0.5, 7).Offsets);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PoissonRateLiesInItsConfidenceInterval(int seed)
    {
        // n exponential gaps sum to T ~ Gamma(n, 1/rate): mean n/rate, sd sqrt(n)/rate. With n = 2000 the normal
        // approximation is close, so T lies in n/rate * (1 +- 2.576/sqrt(n)) with 99 % probability and the achieved
        // rate n/T in rate / (1 +- 2.576/sqrt(n)): [9.45, 10.61] for rate 10.
        const int n = 2000;
        const double rate = 10;
        ArrivalSchedule s = ArrivalSchedule.Poisson(n, rate, seed);
        double achieved = n / s.Offsets[^1].TotalSeconds;
        double half = 2.576 / Math.Sqrt(n);
        Assert.InRange(achieved, rate / (1 + half), rate / (1 - half));
        Assert.True(s.Offsets.Zip(s.Offsets.Skip(1)).All(p => p.First <= p.Second));
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void GammaBurstinessSetsGapVariation(double shape)
    {
        ArrivalSchedule s = ArrivalSchedule.Gamma(20000, 5, shape, 11);
        double[] gaps = Gaps(s);
        double mean = gaps.Average();
        double variance = gaps.Sum(g => (g - mean) * (g - mean)) / (gaps.Length - 1);
        double cv2 = variance / (mean * mean);
        Assert.InRange(mean, 0.2 * 0.97, 0.2 * 1.03);
        Assert.InRange(cv2, 0.85 / shape, 1.15 / shape); // CV^2 of Gamma(k) gaps is 1/k
    }

    [Fact]
    public void TraceArrivalsComeFromRequests()
    {
        WorkloadRequest[] requests = [new(0, TimeSpan.FromSeconds(1), 5, 5, "t:2"), new(1, TimeSpan.FromSeconds(3), 5, 5, "t:3")];
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)], ArrivalSchedule.FromTrace(requests).Offsets);
        Assert.Throws<HarnessInputException>(() => ArrivalSchedule.FromTrace([new WorkloadRequest(0, null, 5, 5, "s")]));
        Assert.Throws<HarnessInputException>(() => ArrivalSchedule.Poisson(10, 0, 1));
    }

    private static double[] Gaps(ArrivalSchedule s)
    {
        double[] gaps = new double[s.Offsets.Count];
        TimeSpan previous = TimeSpan.Zero;
        for (int i = 0; i < gaps.Length; i++)
        {
            gaps[i] = (s.Offsets[i] - previous).TotalSeconds;
            previous = s.Offsets[i];
        }

        return gaps;
    }
}
