using System.Text.Json.Serialization;

namespace Harness.Engines;

/// <summary>
/// One phase (decode steps or prefill chunks) of a tensor-parallel engine over a variant's measured load runs, as
/// means per forward pass (<c>variants[].tensor_parallel.decode</c> or <c>.prefill</c>). Per pass rather than per token, because a decode step computes the whole running batch
/// at once and its communication is paid once per pass, whatever the batch.
/// </summary>
/// <param name="Passes">Forward passes.</param>
/// <param name="Rows">Token rows those passes computed.</param>
/// <param name="WallMsPerPass">Wall time per pass, first rank's start to last rank's end, in ms.</param>
/// <param name="Ranks">Each rank's mean times per pass, in rank order.</param>
/// <param name="AllReducesPerPass">All-reduces per pass.</param>
/// <param name="AllReduceBytesPerPass">All-reduce payload bytes per pass.</param>
/// <param name="GatherBytesPerPass">Logit bytes gathered from the vocabulary shards per pass.</param>
/// <param name="ImbalancePercent">100 (slowest rank's compute - mean rank's compute) / slowest rank's compute: the share
/// of the slowest rank's work the others spend waiting, on average; null when no rank computed anything.</param>
public sealed record TensorParallelPhaseSummary(
    [property: JsonPropertyName("passes")] long Passes,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("wall_ms_per_pass")] double WallMsPerPass,
    [property: JsonPropertyName("ranks")] IReadOnlyList<RankPassTimes> Ranks,
    [property: JsonPropertyName("all_reduces_per_pass")] double AllReducesPerPass,
    [property: JsonPropertyName("all_reduce_bytes_per_pass")] double AllReduceBytesPerPass,
    [property: JsonPropertyName("gather_bytes_per_pass")] double GatherBytesPerPass,
    [property: JsonPropertyName("imbalance_percent")] double? ImbalancePercent)
{
    /// <summary>Mean token rows per pass: the decode batch, or the prefill chunk's tokens.</summary>
    public double RowsPerPass => (double)Rows / Passes;

    /// <summary>Rows computed per second of the phase's wall time (prefill: prompt tokens per second).</summary>
    public double RowsPerSecond => RowsPerPass * 1000 / WallMsPerPass;

    /// <summary>Adds up the phase's drains (each a delta since the previous one); null when no pass ran in any.</summary>
    /// <exception cref="ArgumentException">The drains disagree on the number of ranks (one engine's split never changes).</exception>
    public static TensorParallelPhaseSummary? Add(IReadOnlyList<ParallelPhaseTimes> drains)
    {
        ArgumentNullException.ThrowIfNull(drains);
        long passes = drains.Sum(d => d.Passes);
        if (passes == 0)
        {
            return null;
        }

        int ranks = drains[0].Ranks.Count;
        if (drains.Any(d => d.Ranks.Count != ranks))
        {
            throw new ArgumentException($"tensor-parallel drains of one engine must have the same ranks, not {string.Join(", ", drains.Select(d => d.Ranks.Count).Distinct())}", nameof(drains));
        }

        double PerPassMs(double seconds) => seconds * 1000 / passes;
        RankPassTimes[] times = [.. Enumerable.Range(0, ranks).Select(r => new RankPassTimes(
            PerPassMs(drains.Sum(d => d.Ranks[r].ComputeSeconds)),
            PerPassMs(drains.Sum(d => d.Ranks[r].CommunicationSeconds)),
            PerPassMs(drains.Sum(d => d.Ranks[r].IdleSeconds))))];
        return new TensorParallelPhaseSummary(
            passes,
            drains.Sum(d => d.Rows),
            PerPassMs(drains.Sum(d => d.WallSeconds)),
            times,
            (double)drains.Sum(d => d.AllReduces) / passes,
            (double)drains.Sum(d => d.AllReduceBytes) / passes,
            (double)drains.Sum(d => d.GatherBytes) / passes,
            Imbalance(times));
    }

    private static double? Imbalance(IReadOnlyList<RankPassTimes> ranks)
    {
        double slowest = ranks.Count > 0 ? ranks.Max(r => r.ComputeMs) : 0;
        return slowest > 0 ? 100 * (slowest - ranks.Average(r => r.ComputeMs)) / slowest : null;
    }
}
