using Harness.Engines.Llama.Kernels;

namespace Harness.Engines.Llama.Parallel;

/// <summary>
/// One tensor-parallel rank's share of every layer (Megatron-LM's split): the query heads it attends and the KV heads
/// they read (its rows of the column-parallel q/k/v projection, its columns of the row-parallel output projection), a
/// contiguous range of MLP channels (its rows of gate/up, its columns of down), and a range of vocabulary rows (its
/// rows of the vocabulary-parallel embedding and LM head).
/// </summary>
public sealed record RankShard(int Rank, int Size, HeadSlice Heads, int FirstChannel, int Channels, int FirstVocab, int VocabRows)
{
    /// <summary>True when the rank holds the whole model (tensor-parallel size 1).</summary>
    public bool Whole => Size == 1;
}
