using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Parallel;

/// <summary>
/// How a model is split over tensor-parallel ranks. Query heads are split as evenly as the KV heads allow: with at
/// least as many KV heads as ranks each rank takes whole GQA groups (vLLM's rule when the KV heads divide evenly); with
/// fewer, each KV head is replicated on the ranks that share its group of query heads (vLLM and Megatron replicate KV
/// heads the same way); otherwise heads are split evenly and a KV head whose group straddles two ranks is held by
/// both. MLP channels and vocabulary rows are split evenly into contiguous ranges: channels in runs of 16, or of whole
/// int4 groups where the matrix is int4 (a row-parallel shard must start on a group boundary, since each group has one
/// scale).
/// </summary>
public static class ShardPlan
{
    // Vocabulary ranges start on multiples of the GEMV's row alignment, so each rank's LM head splits over its workers
    // on whole cache lines as the unsplit head does.
    private const int VocabAlignment = Gemv.RowAlignment;

    // MLP channel ranges start on multiples of the widest float vector, so every channel's SwiGLU takes the same vector
    // or scalar path (whose exp differ in the last bit) as in the unsplit model. A last-bit difference is harmless in
    // fp32 but can move an activation across an int8 rounding boundary when activations are quantised.
    private const int ChannelAlignment = 16;

    /// <param name="groupSize">Int4: columns per scale group (row-parallel splits must fall on group boundaries); else 0.</param>
    /// <exception cref="EngineException">The model cannot be split that way, in one line.</exception>
    public static IReadOnlyList<RankShard> Split(LlamaConfig config, int size, int groupSize = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (size < 1)
        {
            throw new EngineException($"tensor-parallel size must be at least 1, got {size}");
        }

        if (size > config.NumHeads)
        {
            throw new EngineException($"tensor-parallel size {size} exceeds the model's {config.NumHeads} attention heads (each rank needs one)");
        }

        var shape = new AttentionShape(config.NumHeads, config.NumKvHeads, config.HeadDim);
        int channelUnit = Math.Max(groupSize, ChannelAlignment);
        int channelUnits = (config.IntermediateSize + channelUnit - 1) / channelUnit;
        if (channelUnits < size)
        {
            throw new EngineException($"tensor-parallel size {size} exceeds the {channelUnits} MLP column groups of {channelUnit} the model has");
        }

        int vocabUnits = (config.VocabSize + VocabAlignment - 1) / VocabAlignment;
        var ranks = new RankShard[size];
        for (int r = 0; r < size; r++)
        {
            HeadSlice heads = HeadsOf(shape, size, r);
            if (groupSize > 0)
            {
                CheckGroupAligned(config, heads, groupSize, size, r);
            }

            (int firstChannel, int channels) = Range(channelUnits, size, r, channelUnit, config.IntermediateSize);
            (int firstVocab, int vocabRows) = Range(vocabUnits, size, r, VocabAlignment, config.VocabSize);
            ranks[r] = new RankShard(r, size, heads, firstChannel, channels, firstVocab, vocabRows);
        }

        return ranks;
    }

    private static HeadSlice HeadsOf(AttentionShape shape, int size, int rank)
    {
        int kvHeads = shape.NumKvHeads;
        if (size % kvHeads == 0 && size > kvHeads)
        {
            // Fewer KV heads than ranks: the size / kvHeads ranks of KV head k split its group of query heads.
            int perKv = size / kvHeads;
            int kv = rank / perKv, part = rank % perKv, group = shape.GroupSize;
            int first = (group * part) / perKv, end = (group * (part + 1)) / perKv;
            return new HeadSlice(shape, (kv * group) + first, end - first);
        }

        int h0 = (shape.NumHeads * rank) / size, h1 = (shape.NumHeads * (rank + 1)) / size;
        return new HeadSlice(shape, h0, h1 - h0);
    }

    // The rank's columns of the output projection are its heads' outputs; in an int4 matrix they must be whole groups.
    private static void CheckGroupAligned(LlamaConfig config, HeadSlice heads, int groupSize, int size, int rank)
    {
        int first = heads.FirstHead * config.HeadDim, end = (heads.FirstHead + heads.Heads) * config.HeadDim;
        if (first % groupSize != 0 || (end % groupSize != 0 && end != config.QueryDim))
        {
            throw new EngineException(
                $"int4 groups of {groupSize} columns do not align with rank {rank}'s attention columns [{first}, {end}) at tensor-parallel size {size}; use a smaller group_size or another size");
        }
    }

    // Units [units·r/size, units·(r+1)/size) of unit elements each, clipped to length.
    private static (int First, int Count) Range(int units, int size, int rank, int unit, int length)
    {
        int first = (int)((long)units * rank / size) * unit;
        int end = Math.Min((int)((long)units * (rank + 1) / size) * unit, length);
        return (first, end - first);
    }
}
