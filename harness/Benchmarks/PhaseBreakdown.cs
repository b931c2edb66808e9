using Harness.Engines;

namespace Harness.Benchmarks;

/// <summary>
/// Where one phase's passes spent their time, per pass: the wall time, each rank's compute, communication and idle,
/// and the all-reduce traffic. Each figure is the median over repetitions of that repetition's mean per pass, so one
/// repetition disturbed by the machine moves it as little as it moves the speeds. Imbalance is the slowest rank's
/// compute over the mean rank's, minus one.
/// </summary>
internal sealed record PhaseBreakdown(
    long Passes,
    double WallMs,
    double[] ComputeMs,
    double[] CommunicationMs,
    double[] IdleMs,
    double AllReduces,
    double AllReduceKiB,
    double GatherKiB)
{
    public double MeanComputeMs => ComputeMs.Average();

    public double MaxComputeMs => ComputeMs.Max();

    public double ImbalancePercent => MeanComputeMs > 0 ? ((MaxComputeMs / MeanComputeMs) - 1) * 100 : 0;

    /// <param name="repetitions">One phase's totals per repetition.</param>
    public static PhaseBreakdown Of(IEnumerable<ParallelPhaseTimes> repetitions)
    {
        ParallelPhaseTimes[] reps = [.. repetitions.Where(p => p.Passes > 0)];
        if (reps.Length == 0)
        {
            return new PhaseBreakdown(0, double.NaN, [double.NaN], [double.NaN], [double.NaN], 0, 0, 0);
        }

        int ranks = reps[0].Ranks.Count;
        double Median(Func<ParallelPhaseTimes, double> perRep) => SampleMedian.Of(reps.Select(perRep));
        double Ms(ParallelPhaseTimes p, double seconds) => seconds * 1000 / p.Passes;
        double[] Rank(Func<RankTimes, double> part) => [.. Enumerable.Range(0, ranks).Select(r => Median(p => Ms(p, part(p.Ranks[r]))))];
        return new PhaseBreakdown(
            reps.Sum(p => p.Passes),
            Median(p => Ms(p, p.WallSeconds)),
            Rank(t => t.ComputeSeconds),
            Rank(t => t.CommunicationSeconds),
            Rank(t => t.IdleSeconds),
            Median(p => (double)p.AllReduces / p.Passes),
            Median(p => p.AllReduceBytes / 1024.0 / p.Passes),
            Median(p => p.GatherBytes / 1024.0 / p.Passes));
    }
}
