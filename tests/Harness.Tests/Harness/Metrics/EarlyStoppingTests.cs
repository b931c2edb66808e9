using Harness.Metrics;

namespace Harness.Tests.Harness.Metrics;

public sealed class EarlyStoppingTests
{
    [Fact]
    public void MinimumSamplesMatchLoadGen()
    {
        Assert.Equal(459, EarlyStopping.MinimumSamples(0.99, 0.99)); // ceil(ln 0.01 / ln 0.99)
        Assert.Equal(44, EarlyStopping.MinimumSamples(0.90, 0.99)); // ceil(ln 0.01 / ln 0.90)
        Assert.False(EarlyStopping.IsValid(458, 0, 0.99, 0.99));
        Assert.True(EarlyStopping.IsValid(459, 0, 0.99, 0.99));
    }

    [Fact]
    public void SmallRunsAreInvalid()
    {
        Assert.False(EarlyStopping.IsValid(100, 0, 0.99, 0.99));
        Assert.False(EarlyStopping.IsValid(1000, 10, 0.99, 0.99)); // 1 % over the bound is exactly the p99 line
        Assert.Null(EarlyStopping.ConservativeEstimate([.. Enumerable.Range(1, 100).Select(i => (double)i)], 0.99));
    }

    [Fact]
    public void MoreOverlatencyNeedsMoreSamples()
    {
        long previous = 0;
        for (int t = 0; t <= 20; t++)
        {
            long min = EarlyStopping.MinimumSamples(0.99, 0.99, t);
            Assert.True(min > previous, $"t={t}: {min} <= {previous}");
            Assert.True(EarlyStopping.IsValid(min, t, 0.99, 0.99));
            Assert.False(EarlyStopping.IsValid(min - 1, t, 0.99, 0.99));
            previous = min;
        }

        // For fixed n, validity holds for t up to a limit and never again beyond it.
        bool seenInvalid = false;
        for (int t = 0; t < 60; t++)
        {
            bool valid = EarlyStopping.IsValid(5000, t, 0.99, 0.99);
            Assert.False(seenInvalid && valid);
            seenInvalid |= !valid;
        }
    }

    [Fact]
    public void OddsMatchDirectBinomialSum()
    {
        // P[Bin(50, 0.1) <= 3] computed term by term.
        double direct = 0;
        for (int x = 0; x <= 3; x++)
        {
            direct += Choose(50, x) * Math.Pow(0.1, x) * Math.Pow(0.9, 50 - x);
        }

        Assert.Equal(direct, EarlyStopping.OverlatencyOdds(50, 3, 0.9), 1e-12);
    }

    [Fact]
    public void ConservativeEstimateIsRankNMinusT()
    {
        double[] values = [.. Enumerable.Range(1, 2000).Select(i => (double)i)];
        long t = EarlyStopping.MaxAffordableOverlatency(2000, 0.99);
        Assert.InRange(t, 1, 19); // fewer than the 20 samples a plain p99 would leave above it
        Assert.Equal(2000 - t, EarlyStopping.ConservativeEstimate(values, 0.99));
        Assert.Equal(459, EarlyStopping.ConservativeEstimate([.. Enumerable.Range(1, 459).Select(i => (double)i)], 0.99));
    }

    [Fact]
    public void VariantVerdictUsesSloOrMeasuredP99()
    {
        List<RequestRecord> records = [];
        for (int i = 0; i < 600; i++)
        {
            records.Add(Records.Make(0, [100 + (i % 200), 120 + (i % 200), 140 + (i % 200)]));
        }

        IReadOnlyList<EarlyStoppingVerdict> withSlo = EarlyStopping.ForVariant("v", records, new Slo(TtftMs: 2000, TpotMs: 200));
        Assert.All(withSlo, v => Assert.True(v.Valid && v.Overlatency == 0));
        Assert.Equal([2000.0, 200.0], withSlo.Select(v => v.BoundMs!.Value));

        // TTFTs 100..299 ms three times each: the measured p99 (rank 594) is 297 ms, so 298 and 299 are over it.
        IReadOnlyList<EarlyStoppingVerdict> measured = EarlyStopping.ForVariant("v", records);
        Assert.Null(measured[0].BoundMs);
        Assert.Equal(6, measured[0].Overlatency);
    }

    private static double Choose(int n, int k)
    {
        double r = 1;
        for (int i = 1; i <= k; i++)
        {
            r = r * (n - k + i) / i;
        }

        return r;
    }
}
