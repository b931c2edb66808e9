using Harness.Engines;
using Harness.Metrics;

namespace Harness.Tests.Harness.Metrics;

public sealed class VariantSummaryTests
{
    [Fact]
    public void FailedAndWarmupAreCountedButExcluded()
    {
        RequestRecord[] records =
        [
            Records.Make(0, [100, 200], warmup: true),
            Records.Make(1000, [1100, 1130, 1170, 1200], input: 20),
            Records.Make(1100, [1150, 1400], input: 30),
            Records.Make(1200, [1300], finish: FinishReason.Error, error: "engine failed"),
            Records.Make(1300, [], finish: FinishReason.Cancelled),
            Records.Make(0, [5000], variant: "other"),
        ];

        VariantSummary s = VariantSummary.Compute("v", records);

        Assert.Equal(1, s.WarmupExcluded);
        Assert.Equal(4, s.Measured);
        Assert.Equal(2, s.Completed);
        Assert.Equal(2, s.Failed);
        Assert.Equal(2, s.TtftMs.Count);
        Assert.Equal(100, s.TtftMs.Max, 1e-6); // 100 and 50; the failed request's 100 ms is not included
        Assert.Equal(75, s.TtftMs.Mean, 1e-6);

        // Duration: first measured scheduled send (1000) to last completion (1400).
        Assert.Equal(0.4, s.DurationS, 1e-9);
        Assert.Equal(6 / 0.4, s.OutputTokensPerS, 1e-6);
        Assert.Equal(56 / 0.4, s.TotalTokensPerS, 1e-6);
        Assert.Equal(2 / 0.4, s.RequestsPerS, 1e-6);
        Assert.Equal(4, s.ItlMs.Count); // 30, 40, 30 and 250
        Assert.Null(s.GoodputRequestsPerS);
    }

    [Fact]
    public void GoodputMatchesHandCount()
    {
        Random rng = new(3);
        List<RequestRecord> records = [];
        for (int i = 0; i < 300; i++)
        {
            double start = i * 10.0;
            double ttft = 20 + rng.NextDouble() * 300;
            double tpot = 5 + rng.NextDouble() * 40;
            int outTokens = 1 + rng.Next(20);
            double[] tokens = [.. Enumerable.Range(0, outTokens).Select(k => start + ttft + k * tpot)];
            bool fail = i % 37 == 0;
            records.Add(Records.Make(start, tokens, finish: fail ? FinishReason.Error : FinishReason.Eos, error: fail ? "x" : null));
        }

        Slo slo = new(TtftMs: 250, TpotMs: 30);
        int good = 0;
        foreach (RequestRecord r in records)
        {
            // Independent count from the raw timestamps.
            double firstMs = (r.TokenTimes[0] - r.ScheduledAt) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
            double lastMs = (r.TokenTimes[^1] - r.ScheduledAt) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
            bool tpotOk = r.TokenTimes.Length < 2 || (lastMs - firstMs) / (r.TokenTimes.Length - 1) <= 30;
            good += r.Error is null && firstMs <= 250 && tpotOk ? 1 : 0;
        }

        VariantSummary s = VariantSummary.Compute("v", records, slo);

        Assert.InRange(good, 20, 280); // the SLO is neither trivially met nor missed
        Assert.Equal(good / s.DurationS, s.GoodputRequestsPerS!.Value, 1e-9);
        Assert.Equal((double)good / 300, s.SloAttainment!.Value, 1e-12);
        Assert.Equal(9, s.Failed); // i = 0, 37, ..., 296
    }
}
