using System.Diagnostics;

namespace Harness.Engines.Llama.Parallel;

/// <summary>Running totals of one phase (decode or prefill) of a decoder's passes; the decoder locks around them.</summary>
internal sealed class PhaseCounters(int ranks)
{
    private readonly long[] compute = new long[ranks], communication = new long[ranks], idle = new long[ranks];
    private long passes, rows, wall, allReduces, allReduceBytes, gatherBytes;

    public void Add(ReadOnlySpan<RankClock> clocks, long wallTicks, int passRows, int collectives, long collectiveBytes, long gathered)
    {
        passes++;
        rows += passRows;
        wall += wallTicks;
        allReduces += collectives;
        allReduceBytes += collectiveBytes;
        gatherBytes += gathered;
        for (int r = 0; r < clocks.Length; r++)
        {
            compute[r] += clocks[r].Compute;
            communication[r] += clocks[r].Communication;
            idle[r] += clocks[r].Idle;
        }
    }

    /// <summary>The totals so far, then zero.</summary>
    public Engines.ParallelPhaseTimes Take()
    {
        static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
        var times = new Engines.RankTimes[compute.Length];
        for (int r = 0; r < times.Length; r++)
        {
            times[r] = new Engines.RankTimes(Seconds(compute[r]), Seconds(communication[r]), Seconds(idle[r]));
        }

        var result = new Engines.ParallelPhaseTimes(passes, rows, Seconds(wall), times, allReduces, allReduceBytes, gatherBytes);
        Array.Clear(compute);
        Array.Clear(communication);
        Array.Clear(idle);
        passes = rows = wall = allReduces = allReduceBytes = gatherBytes = 0;
        return result;
    }
}
