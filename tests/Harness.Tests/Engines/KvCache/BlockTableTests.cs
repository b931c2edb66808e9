using Harness.Engines.Llama.KvCache;

namespace Harness.Tests.Engines.KvCache;

public sealed class BlockTableTests
{
    [Theory]
    [InlineData(0, 16, 0)]
    [InlineData(1, 16, 1)]
    [InlineData(16, 16, 1)]
    [InlineData(17, 16, 2)]
    [InlineData(53, 16, 4)]
    [InlineData(10, 5, 2)]
    [InlineData(11, 5, 3)]
    public void Blocks_needed_rounds_up(int tokens, int blockSize, int expected)
        => Assert.Equal(expected, BlockTable.BlocksNeeded(tokens, blockSize));

    [Fact]
    public void Appending_tokens_takes_a_block_only_when_the_last_is_full()
    {
        using var pool = new KvBlockPool(1, 1, 8, blockSize: 4, numBlocks: 3);
        var table = new BlockTable(4);
        int[] blocksAfter = new int[12];
        for (int t = 0; t < 12; t++)
        {
            Assert.True(table.TryAppendToken(pool));
            blocksAfter[t] = table.BlockCount;
        }

        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], blocksAfter);
        Assert.Equal(12, table.TokenCount);
        Assert.Equal(0, pool.FreeBlocks);

        // The 13th token needs a 4th block the pool does not have: refused, nothing changes.
        Assert.False(table.TryAppendToken(pool));
        Assert.Equal(12, table.TokenCount);
        Assert.Equal(3, table.BlockCount);

        table.Release(pool);
        Assert.Equal(0, table.TokenCount);
        Assert.Equal(0, table.BlockCount);
        Assert.Equal(3, pool.FreeBlocks);
    }

    [Fact]
    public void Ensure_capacity_is_all_or_nothing()
    {
        using var pool = new KvBlockPool(1, 1, 8, blockSize: 5, numBlocks: 4);
        var first = new BlockTable(5);
        Assert.True(first.EnsureCapacity(pool, 11));
        Assert.Equal(3, first.BlockCount);
        Assert.Equal(15, first.Capacity);
        Assert.True(first.EnsureCapacity(pool, 15));
        Assert.Equal(3, first.BlockCount);

        var second = new BlockTable(5);
        Assert.False(second.EnsureCapacity(pool, 6));
        Assert.Equal(0, second.BlockCount);
        Assert.Equal(1, pool.FreeBlocks);
        Assert.True(second.EnsureCapacity(pool, 5));
        Assert.Equal(0, pool.FreeBlocks);
    }

    [Fact]
    public void Slots_map_across_scattered_blocks()
    {
        using KvBlockPool pool = KvCacheTestData.ScatteredPool(1, 1, 8, blockSize: 5, numBlocks: 12, seed: 7);
        var table = new BlockTable(5);
        Assert.True(table.EnsureCapacity(pool, 23));
        int[] blocks = [.. table.Blocks];
        Assert.Equal(5, blocks.Length);
        Assert.Equal(5, blocks.Distinct().Count());
        Assert.Contains(Enumerable.Range(0, 4), i => blocks[i + 1] != blocks[i] + 1);

        for (int p = 0; p < table.Capacity; p++)
        {
            Assert.Equal((blocks[p / 5], p % 5), table.SlotFor(p));
        }

        Assert.Equal((blocks[0], 4), table.SlotFor(4));
        Assert.Equal((blocks[1], 0), table.SlotFor(5));
        Assert.Equal((blocks[4], 4), table.SlotFor(24));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.SlotFor(25));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.TokenCount = 26);
    }

    [Fact]
    public void A_table_refuses_a_pool_with_another_block_size()
    {
        using var pool = new KvBlockPool(1, 1, 8, blockSize: 4, numBlocks: 2);
        Assert.Throws<ArgumentException>(() => new BlockTable(16).EnsureCapacity(pool, 1));
    }
}
