using Harness.Engines;
using Harness.Metrics;

namespace Harness.Tests.Harness.Metrics;

public sealed class TensorParallelSummaryTests
{
    private static readonly RankShardInfo[] TwoRanks =
    [
        new(0, 1, 5, 2, 768, 24576, 270_000_000, 9216),
        new(1, 1, 4, 2, 768, 24576, 268_000_000, 9216),
    ];

    [Fact]
    public void DecodeDrainsAreAddedUpThenDividedByTheirPasses()
    {
        // Drain A: 10 steps, 0.5 s; drain B: 30 steps, 1.5 s. Together 40 steps in 2.0 s = 50 ms a step. Rank 0 computed
        // 0.4 + 1.2 = 1.6 s (40 ms a step), rank 1 0.3 + 1.05 = 1.35 s (33.75 ms a step).
        TensorParallelSummary tp = Summary(
            Trace(Phase(10, 30, 0.5, [(0.40, 0.02, 0.05), (0.30, 0.03, 0.15)], allReduces: 200, allReduceBytes: 100_000, gatherBytes: 40_000)),
            Trace(Phase(30, 50, 1.5, [(1.20, 0.06, 0.10), (1.05, 0.05, 0.40)], allReduces: 600, allReduceBytes: 300_000, gatherBytes: 120_000)));

        TensorParallelPhaseSummary d = tp.Decode!;
        Assert.Equal((40L, 80L), (d.Passes, d.Rows));
        Assert.Equal(50.0, d.WallMsPerPass, 9);
        Assert.Equal(40.0, d.Ranks[0].ComputeMs, 9);
        Assert.Equal(2.0, d.Ranks[0].CommunicationMs, 9);
        Assert.Equal(3.75, d.Ranks[0].IdleMs, 9);
        Assert.Equal(33.75, d.Ranks[1].ComputeMs, 9);
        Assert.Equal(2.0, d.Ranks[1].CommunicationMs, 9);
        Assert.Equal(13.75, d.Ranks[1].IdleMs, 9);
        Assert.Equal(20.0, d.AllReducesPerPass, 9);
        Assert.Equal(10_000.0, d.AllReduceBytesPerPass, 9);
        Assert.Equal(4_000.0, d.GatherBytesPerPass, 9);
    }

    [Fact]
    public void ImbalanceIsTheSlowestRanksComputeOverTheMeanOfTheAddedUpDrains()
    {
        // Per step over both drains: rank 0 40 ms, rank 1 33.75 ms, mean 36.875: (40 - 36.875) / 40 = 7.8125 %. Each
        // drain alone would say 12.5 % and 6.25 % (their mean is 9.375 %), so this fails if drains are averaged.
        TensorParallelSummary tp = Summary(
            Trace(Phase(10, 10, 0.5, [(0.40, 0, 0), (0.30, 0, 0)])),
            Trace(Phase(30, 30, 1.5, [(1.20, 0, 0), (1.05, 0, 0)])));

        Assert.Equal(7.8125, tp.Decode!.ImbalancePercent!.Value, 9);
    }

    [Fact]
    public void ImbalanceOfFourRanksComesFromTheirMean()
    {
        // Compute 10, 8, 8, 6 ms: mean 8, slowest 10, so 20 %.
        TensorParallelSummary tp = Summary(Trace(Phase(1, 1, 0.012, [(0.010, 0, 0), (0.008, 0, 0.002), (0.008, 0, 0.002), (0.006, 0, 0.004)]), size: 4, cores: 2));

        Assert.Equal(20.0, tp.Decode!.ImbalancePercent!.Value, 9);
        Assert.True(tp.Oversubscribed);
    }

    [Fact]
    public void PrefillIsKeptApartAndAbsentWhenNoChunkRan()
    {
        // Only the second drain prefilled: 2 chunks of 32 tokens in 0.2 s, so 100 ms a chunk.
        TensorParallelSummary tp = Summary(
            Trace(Phase(4, 4, 0.1, [(0.08, 0.004, 0.01), (0.07, 0.004, 0.02)])),
            Trace(Phase(4, 4, 0.1, [(0.08, 0.004, 0.01), (0.07, 0.004, 0.02)]), prefill: Phase(2, 64, 0.2, [(0.15, 0.01, 0.04), (0.18, 0.01, 0.01)])));

        TensorParallelPhaseSummary p = tp.Prefill!;
        Assert.Equal((2L, 64L), (p.Passes, p.Rows));
        Assert.Equal(100.0, p.WallMsPerPass, 9);
        Assert.Equal(new RankPassTimes(75, 5, 20), Round(p.Ranks[0]));
        Assert.Equal(new RankPassTimes(90, 5, 5), Round(p.Ranks[1]));
        Assert.Equal(100 * 7.5 / 90, p.ImbalancePercent!.Value, 9);
        Assert.Equal(8L, tp.Decode!.Passes);

        Assert.Null(Summary(Trace(Phase(4, 4, 0.1, [(0.08, 0, 0), (0.07, 0, 0)]))).Prefill);
    }

    [Fact]
    public void TheSplitComesFromTheEngineAndTracesWithoutAProfileAreSkipped()
    {
        EngineTrace plain = new("contiguous", 64, 10, 64, [], [], 0, 0);
        TensorParallelSummary tp = TensorParallelSummary.Compute([plain, Trace(Phase(3, 3, 0.03, [(0.02, 0, 0.01), (0.01, 0, 0.02)])), plain])!;

        Assert.Equal((2, 2, "vocab-parallel", false), (tp.Size, tp.Cores, tp.Vocabulary, tp.Oversubscribed));
        Assert.Equal(TwoRanks, tp.Ranks);
        Assert.Equal(3L, tp.Decode!.Passes);
        Assert.Null(TensorParallelSummary.Compute([plain, plain]));
        Assert.Null(TensorParallelSummary.Compute([]));
    }

    [Fact]
    public void ARankThatIsOnlyProfiledByItselfHasNoCommunicationAndNoImbalance()
    {
        // TP 1: one rank, all its time its own compute; the slowest rank is the mean rank.
        var one = new TensorParallelProfile(1, 2, "replicated", [new RankShardInfo(0, 2, 9, 3, 1536, 49152, 538_000_000, 18432)], Phase(5, 5, 0.1, [(0.1, 0, 0)]), ParallelPhaseTimes.Empty(1));
        TensorParallelSummary tp = Summary(new EngineTrace("paged", 16, 10, 64, [], [], 0, 0, one));

        Assert.Equal(0.0, tp.Decode!.ImbalancePercent!.Value);
        Assert.Equal(20.0, tp.Decode.Ranks[0].ComputeMs, 9);
        Assert.Null(tp.Prefill);
    }

    [Fact]
    public void NoComputeGivesNoImbalanceRatherThanADivisionByZero()
    {
        TensorParallelSummary tp = Summary(Trace(Phase(2, 2, 0.001, [(0, 0, 0), (0, 0, 0)])));

        Assert.Null(tp.Decode!.ImbalancePercent);
    }

    [Fact]
    public void DrainsWithDifferentRankCountsAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => TensorParallelPhaseSummary.Add([Phase(1, 1, 0.01, [(0.01, 0, 0)]), Phase(1, 1, 0.01, [(0.01, 0, 0), (0.01, 0, 0)])]));

        Assert.Contains("same ranks", ex.Message, StringComparison.Ordinal);
    }

    private static TensorParallelSummary Summary(params EngineTrace[] traces) => TensorParallelSummary.Compute(traces)!;

    private static EngineTrace Trace(ParallelPhaseTimes decode, ParallelPhaseTimes? prefill = null, int size = 2, int cores = 2)
    {
        RankShardInfo[] ranks = size == 2 ? TwoRanks : [.. Enumerable.Range(0, size).Select(r => TwoRanks[0] with { Rank = r })];
        var profile = new TensorParallelProfile(size, cores, "vocab-parallel", ranks, decode, prefill ?? ParallelPhaseTimes.Empty(size));
        return new EngineTrace("contiguous", 64, 10, 64, [], [], 0, 0, profile);
    }

    private static ParallelPhaseTimes Phase(long passes, long rows, double wall, (double Compute, double Communication, double Idle)[] ranks, long allReduces = 0, long allReduceBytes = 0, long gatherBytes = 0) =>
        new(passes, rows, wall, [.. ranks.Select(r => new RankTimes(r.Compute, r.Communication, r.Idle))], allReduces, allReduceBytes, gatherBytes);

    private static RankPassTimes Round(RankPassTimes t) => new(Math.Round(t.ComputeMs, 9), Math.Round(t.CommunicationMs, 9), Math.Round(t.IdleMs, 9));
}
