using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>One rank's shard of a tensor-parallel model (<c>variants[].tensor_parallel.ranks[]</c>).</summary>
/// <param name="Rank">0 .. size-1.</param>
/// <param name="Threads">Compute threads the rank runs on.</param>
/// <param name="Heads">Query heads it attends.</param>
/// <param name="KvHeads">KV heads it holds (replicated where ranks share one).</param>
/// <param name="IntermediateColumns">MLP channels it holds.</param>
/// <param name="VocabularyRows">Rows of the embedding and LM head it holds.</param>
/// <param name="WeightBytes">Bytes of weights it holds, norms included.</param>
/// <param name="KvBytesPerToken">Bytes of K and V it holds per cached token, over all layers.</param>
internal sealed record TensorParallelRank(
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("heads")] int Heads,
    [property: JsonPropertyName("kv_heads")] int KvHeads,
    [property: JsonPropertyName("intermediate_columns")] int IntermediateColumns,
    [property: JsonPropertyName("vocabulary_rows")] int VocabularyRows,
    [property: JsonPropertyName("weight_bytes")] long WeightBytes,
    [property: JsonPropertyName("kv_bytes_per_token")] long KvBytesPerToken);
