using Harness.Engines;
using Harness.Engines.Statistics;

namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>
/// Where one phase's passes spent their time, per pass: the wall time, each rank's compute, communication and idle,
/// and the all-reduce traffic. Each figure is the median over repetitions of that repetition's
/// <see cref="TensorParallelPhaseSummary"/> (means per pass), so one repetition disturbed by the machine moves it as
/// little as it moves the speeds.
/// </summary>
internal sealed record PhaseBreakdown(
    long Passes,
    double WallMs,
    double[] ComputeMs,
    double[] CommunicationMs,
    double[] IdleMs,
    double AllReduces,
    double AllReduceKiB,
    double GatherKiB,
    double ImbalancePercent)
{
    public double MeanComputeMs => ComputeMs.Average();

    public double MaxComputeMs => ComputeMs.Max();

    /// <param name="repetitions">One phase's totals per repetition.</param>
    public static PhaseBreakdown Of(IEnumerable<ParallelPhaseTimes> repetitions)
    {
        TensorParallelPhaseSummary[] reps = [.. repetitions.Select(p => TensorParallelPhaseSummary.Add([p])).OfType<TensorParallelPhaseSummary>()];
        if (reps.Length == 0)
        {
            return new PhaseBreakdown(0, double.NaN, [double.NaN], [double.NaN], [double.NaN], 0, 0, 0, double.NaN);
        }

        double Median(Func<TensorParallelPhaseSummary, double> figure) => Percentile.Median(reps.Select(figure));
        double[] Rank(Func<RankPassTimes, double> part) => [.. Enumerable.Range(0, reps[0].Ranks.Count).Select(r => Median(p => part(p.Ranks[r])))];
        return new PhaseBreakdown(
            reps.Sum(p => p.Passes),
            Median(p => p.WallMsPerPass),
            Rank(t => t.ComputeMs),
            Rank(t => t.CommunicationMs),
            Rank(t => t.IdleMs),
            Median(p => p.AllReducesPerPass),
            Median(p => p.AllReduceBytesPerPass / 1024),
            Median(p => p.GatherBytesPerPass / 1024),
            Median(p => p.ImbalancePercent ?? 0));
    }
}
