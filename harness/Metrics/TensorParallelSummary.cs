using System.Text.Json.Serialization;
using Harness.Engines;

namespace Harness.Metrics;

/// <summary>
/// How a variant's tensor-parallel engine was split and where its time went over the measured load runs (warm-up
/// excluded, like every other statistic), from the profiles the engine returned with each drain
/// (<c>variants[].tensor_parallel</c>, present only when the engine reported a profile).
/// </summary>
/// <param name="Size">Ranks.</param>
/// <param name="Cores">Cores the engine was given in all.</param>
/// <param name="Vocabulary">"vocab-parallel" or "replicated" embedding and LM head.</param>
/// <param name="Oversubscribed">More ranks than cores, as the engine judged it: ranks take turns on the cores.</param>
/// <param name="Ranks">Each rank's shard, in rank order. The engine contract's own record, written with the snake_case
/// names of the result file's naming policy (<c>kv_heads</c>, <c>weight_bytes</c>...): it has nothing to add.</param>
/// <param name="Decode">Decode steps; null when none ran through the sharded forward.</param>
/// <param name="Prefill">Prefill chunks; null when none ran through the sharded forward.</param>
internal sealed record TensorParallelSummary(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("cores")] int Cores,
    [property: JsonPropertyName("vocabulary")] string Vocabulary,
    [property: JsonPropertyName("oversubscribed")] bool Oversubscribed,
    [property: JsonPropertyName("ranks")] IReadOnlyList<RankShardInfo> Ranks,
    [property: JsonPropertyName("decode")] TensorParallelPhaseSummary? Decode,
    [property: JsonPropertyName("prefill")] TensorParallelPhaseSummary? Prefill)
{
    /// <summary>Adds up the profiles of one variant's measured load runs; null when none has one.</summary>
    public static TensorParallelSummary? Compute(IReadOnlyList<EngineTrace> measuredTraces)
    {
        ArgumentNullException.ThrowIfNull(measuredTraces);
        TensorParallelProfile[] profiles = [.. measuredTraces.Select(t => t.Parallel).OfType<TensorParallelProfile>()];
        if (profiles.Length == 0)
        {
            return null;
        }

        // The split is the same in every drain; only the times and counts are deltas.
        TensorParallelProfile first = profiles[0];
        return new TensorParallelSummary(
            first.Size,
            first.Cores,
            first.Vocabulary,
            first.Oversubscribed,
            first.Ranks,
            TensorParallelPhaseSummary.Add([.. profiles.Select(p => p.Decode)]),
            TensorParallelPhaseSummary.Add([.. profiles.Select(p => p.Prefill)]));
    }
}
