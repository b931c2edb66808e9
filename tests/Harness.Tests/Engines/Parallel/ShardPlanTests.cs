using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Parallel;

namespace Harness.Tests.Engines.Parallel;

/// <summary>How models are split over ranks: heads by GQA group, replicated KV heads, channel and vocabulary ranges.</summary>
public sealed class ShardPlanTests
{
    private static LlamaConfig Preset(string name)
    {
        using LoadedCheckpoint checkpoint = ModelPresets.Load(name);
        return checkpoint.Config;
    }

    private static (int FirstHead, int Heads, int FirstKv, int KvHeads)[] Heads(IReadOnlyList<RankShard> shards) =>
        [.. shards.Select(s => (s.Heads.FirstHead, s.Heads.Heads, s.Heads.FirstKvHead, s.Heads.KvHeads))];

    [Fact]
    public void Qwen_at_four_ranks_splits_each_kv_group_over_two_ranks_and_replicates_its_kv_head()
    {
        // 14 query heads, 2 KV heads (groups of 7): each KV head is held by two ranks, which take 3 and 4 of its heads.
        IReadOnlyList<RankShard> shards = ShardPlan.Split(Preset("qwen2.5-0.5b"), 4);
        Assert.Equal([(0, 3, 0, 1), (3, 4, 0, 1), (7, 3, 1, 1), (10, 4, 1, 1)], Heads(shards));
    }

    [Fact]
    public void Qwen_at_two_ranks_gives_each_rank_one_whole_group()
    {
        Assert.Equal([(0, 7, 0, 1), (7, 7, 1, 1)], Heads(ShardPlan.Split(Preset("qwen2.5-0.5b"), 2)));
    }

    [Fact]
    public void SmolLM2_at_two_ranks_holds_the_straddling_kv_head_on_both()
    {
        // 9 heads in 3 groups of 3: heads 0-3 read KV heads 0-1, heads 4-8 read KV heads 1-2.
        Assert.Equal([(0, 4, 0, 2), (4, 5, 1, 2)], Heads(ShardPlan.Split(Preset("smollm2-135m"), 2)));
    }

    [Theory]
    [InlineData("qwen2.5-0.5b", 4, 0)]
    [InlineData("smollm2-135m", 3, 0)]
    [InlineData("qwen2.5-0.5b", 2, 32)]
    [InlineData("tiny", 2, 32)]
    public void Channel_and_vocabulary_ranges_tile_the_model_in_order(string preset, int size, int groupSize)
    {
        LlamaConfig config = Preset(preset);
        IReadOnlyList<RankShard> shards = ShardPlan.Split(config, size, groupSize);
        int channel = 0, vocab = 0, heads = 0;
        foreach (RankShard s in shards)
        {
            Assert.Equal(channel, s.FirstChannel);
            Assert.Equal(vocab, s.FirstVocab);
            Assert.Equal(heads, s.Heads.FirstHead);
            Assert.True(s.Channels > 0 && s.VocabRows > 0);
            if (groupSize > 0)
            {
                Assert.Equal(0, s.FirstChannel % groupSize);
            }

            channel += s.Channels;
            vocab += s.VocabRows;
            heads += s.Heads.Heads;
        }

        Assert.Equal((config.IntermediateSize, config.VocabSize, config.NumHeads), (channel, vocab, heads));

        // Even shares: no rank holds more than one alignment unit (16 vocabulary rows, a group of channels) above another.
        Assert.InRange(shards.Max(s => s.VocabRows) - shards.Min(s => s.VocabRows), 0, 16);
        Assert.InRange(shards.Max(s => s.Channels) - shards.Min(s => s.Channels), 0, Math.Max(groupSize, 1));
    }

    [Fact]
    public void A_size_above_the_head_count_is_refused()
    {
        var e = Assert.Throws<EngineException>(() => ShardPlan.Split(Preset("tiny"), 8));
        Assert.Equal("tensor-parallel size 8 exceeds the model's 4 attention heads (each rank needs one)", e.Message);
    }

    [Fact]
    public void An_int4_group_that_straddles_two_ranks_attention_columns_is_refused()
    {
        // qwen2.5-0.5b at 2 ranks: 7 heads × 64 = 448 columns each, not a multiple of 128 (but of 32 and 64); the tiny
        // preset at 4 ranks: one head of 16 columns each, less than any int4 group.
        LlamaConfig qwen = Preset("qwen2.5-0.5b");
        Assert.Equal(2, ShardPlan.Split(qwen, 2, 64).Count);
        var e = Assert.Throws<EngineException>(() => ShardPlan.Split(qwen, 2, 128));
        Assert.StartsWith("int4 groups of 128 columns do not align with rank 0's attention columns [0, 448) at tensor-parallel size 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<EngineException>(() => ShardPlan.Split(Preset("tiny"), 4, 32));
    }
}
