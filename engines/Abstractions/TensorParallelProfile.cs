namespace Harness.Engines;

/// <summary>
/// How a tensor-parallel engine is split and where its time went over a stretch of forward passes (since the previous
/// <see cref="IEngineTelemetry.Drain"/>). Decode steps and prefill chunks are kept apart, because prefill multiplies many
/// rows per weight read and decode one per sequence.
/// </summary>
/// <param name="Size">Ranks (the tensor-parallel size).</param>
/// <param name="Cores">Cores (or devices) the engine was given in all; ranks share them.</param>
/// <param name="Vocabulary">How the embedding and LM head are split: "vocab-parallel" or "replicated".</param>
/// <param name="Ranks">Each rank's shard, in rank order.</param>
/// <param name="Decode">Decode steps.</param>
/// <param name="Prefill">Prefill chunks run through the sharded forward.</param>
public sealed record TensorParallelProfile(
    int Size,
    int Cores,
    string Vocabulary,
    IReadOnlyList<RankShardInfo> Ranks,
    ParallelPhaseTimes Decode,
    ParallelPhaseTimes Prefill)
{
    /// <summary>More ranks than cores: ranks take turns on the cores, so the split cannot run in parallel.</summary>
    public bool Oversubscribed => Size > Cores;
}
