using Harness.Engines.Llama.KvCache;

namespace Harness.Tests.Engines.KvCache;

public sealed class KvMemoryStatsTests
{
    [Fact]
    public void Contiguous_preallocation_to_max_length_wastes_the_unfilled_tail()
    {
        // 3 sequences reserve 1000 positions each at 8 bytes per token but store 100 + 300 + 50.
        KvMemoryStats stats = KvMemoryStats.Contiguous([100, 300, 50], maxLength: 1000, bytesPerToken: 8);
        Assert.Equal(24_000, stats.ReservedBytes);
        Assert.Equal(3_600, stats.UsedBytes);
        Assert.Equal(20_400, stats.WastedBytes);
        Assert.Equal(85.0, stats.WastePercent, 10);
        Assert.Equal(0, stats.BlocksInUse);
    }

    [Fact]
    public void Paged_waste_is_only_the_last_block_of_each_sequence()
    {
        // ceil(100/16) + ceil(300/16) + ceil(50/16) = 7 + 19 + 4 = 30 blocks = 480 slots for 450 tokens.
        KvMemoryStats stats = KvMemoryStats.Paged([100, 300, 50], blockSize: 16, bytesPerToken: 8);
        Assert.Equal(30, stats.BlocksInUse);
        Assert.Equal(480 * 8, stats.ReservedBytes);
        Assert.Equal(450 * 8, stats.UsedBytes);
        Assert.Equal(6.25, stats.WastePercent, 10);
    }

    [Fact]
    public void Full_blocks_and_empty_sets_waste_nothing()
    {
        Assert.Equal(0, KvMemoryStats.Paged([32, 16], 16, 4).WastePercent);
        Assert.Equal(0, KvMemoryStats.Paged([], 16, 4).WastePercent);
        Assert.Equal(0, KvMemoryStats.Contiguous([64, 64], 64, 4).WastePercent);
        Assert.Throws<ArgumentOutOfRangeException>(() => KvMemoryStats.Contiguous([65], 64, 4));
    }

    [Fact]
    public void Live_stats_follow_the_tables()
    {
        using var pool = new KvBlockPool(numLayers: 2, kvHeads: 1, headDim: 4, blockSize: 4, numBlocks: 8);
        Assert.Equal(64, pool.BytesPerToken);
        var a = new BlockTable(4);
        var b = new BlockTable(4);
        Assert.True(a.EnsureCapacity(pool, 9));
        a.TokenCount = 9;
        Assert.True(b.EnsureCapacity(pool, 3));
        b.TokenCount = 2;

        // 3 + 1 blocks = 16 slots hold 11 tokens.
        KvMemoryStats stats = KvMemoryStats.Of(pool, [a, b]);
        Assert.Equal(4, stats.BlocksInUse);
        Assert.Equal(16 * 64, stats.ReservedBytes);
        Assert.Equal(11 * 64, stats.UsedBytes);
        Assert.Equal(100.0 * 5 / 16, stats.WastePercent, 10);
    }
}
