using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>
/// A variant's tensor-parallel split and time breakdown (<c>variants[].tensor_parallel</c>), present only when the
/// engine reported a profile (every TP size, 1 included, when it decodes through its kernels). Computed from the
/// measured load runs, warm-up excluded.
/// </summary>
/// <param name="Size">Ranks (the tensor-parallel size).</param>
/// <param name="Cores">Cores the engine was given in all; ranks share them.</param>
/// <param name="Vocabulary">"vocab-parallel" or "replicated" embedding and LM head.</param>
/// <param name="Oversubscribed">More ranks than cores, as the engine judged it.</param>
/// <param name="Ranks">Each rank's shard, in rank order.</param>
/// <param name="Decode">Decode steps; null when none ran through the sharded forward.</param>
/// <param name="Prefill">Prefill chunks; null when none ran through the sharded forward.</param>
internal sealed record VariantTensorParallel(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("cores")] int Cores,
    [property: JsonPropertyName("vocabulary")] string Vocabulary,
    [property: JsonPropertyName("oversubscribed")] bool Oversubscribed,
    [property: JsonPropertyName("ranks")] IReadOnlyList<TensorParallelRank> Ranks,
    [property: JsonPropertyName("decode")] TensorParallelPhase? Decode,
    [property: JsonPropertyName("prefill")] TensorParallelPhase? Prefill);
