namespace Harness.Engines;

/// <summary>
/// Totals over the forward passes of one phase (decode steps or prefill chunks) of a tensor-parallel engine. Divide
/// by <paramref name="Passes"/> for per-step figures.
/// </summary>
/// <param name="Passes">Forward passes (a decode step over the running batch, or one prefill chunk).</param>
/// <param name="Rows">Token rows those passes computed.</param>
/// <param name="WallSeconds">Wall time of the passes, from the first rank's start to the last rank's end.</param>
/// <param name="Ranks">Each rank's time, in rank order.</param>
/// <param name="AllReduces">All-reduces run (two per layer, and one for the embedding, per pass).</param>
/// <param name="AllReduceBytes">Payload bytes of those all-reduces (rows × hidden size × 4 each).</param>
/// <param name="GatherBytes">Payload bytes gathered from the ranks' vocabulary shards (the logits).</param>
public sealed record ParallelPhaseTimes(
    long Passes,
    long Rows,
    double WallSeconds,
    IReadOnlyList<RankTimes> Ranks,
    long AllReduces,
    long AllReduceBytes,
    long GatherBytes)
{
    public static ParallelPhaseTimes Empty(int ranks) => new(0, 0, 0, [.. Enumerable.Repeat(new RankTimes(0, 0, 0), ranks)], 0, 0, 0);
}
