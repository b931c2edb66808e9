namespace Harness.Engines;

/// <summary>One rank's share of a tensor-parallel model.</summary>
/// <param name="Rank">0 .. size-1.</param>
/// <param name="Threads">Compute threads the rank runs on.</param>
/// <param name="Heads">Query heads the rank attends.</param>
/// <param name="KvHeads">KV heads the rank holds (a KV head shared by two ranks' query heads is replicated on both).</param>
/// <param name="IntermediateColumns">MLP channels the rank holds (its rows of gate/up, its columns of down).</param>
/// <param name="VocabularyRows">Rows of the embedding and LM head the rank holds.</param>
/// <param name="WeightBytes">Bytes of weights the rank holds, norms included.</param>
/// <param name="KvBytesPerToken">Bytes of K and V the rank holds per cached token, over all layers.</param>
public sealed record RankShardInfo(
    int Rank,
    int Threads,
    int Heads,
    int KvHeads,
    int IntermediateColumns,
    int VocabularyRows,
    long WeightBytes,
    long KvBytesPerToken);
