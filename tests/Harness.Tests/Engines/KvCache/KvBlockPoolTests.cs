using Harness.Engines;
using Harness.Engines.Llama.KvCache;

namespace Harness.Tests.Engines.KvCache;

public sealed unsafe class KvBlockPoolTests
{
    [Fact]
    public void Budget_gives_the_exact_block_count()
    {
        var config = KvCacheTestData.Config(layers: 2, kvHeads: 3, headDim: 24);
        // 2 (K, V) · 2 layers · 3 kv heads · 16 slots · 24 · 4 bytes.
        const long PerBlock = 2L * 2 * 3 * 16 * 24 * 4;
        Assert.Equal(18432, PerBlock);
        Assert.Equal(PerBlock, KvBlockPool.BytesPerBlockOf(config, 16));

        using KvBlockPool pool = KvBlockPool.FromBudget(config, 16, (10 * PerBlock) + PerBlock - 1);
        Assert.Equal(10, pool.TotalBlocks);
        Assert.Equal(10, pool.FreeBlocks);
        Assert.Equal(10 * PerBlock, pool.ReservedBytes);
        Assert.Equal(PerBlock, pool.BytesPerBlock);
        Assert.Equal(1152, pool.BytesPerToken);

        using KvBlockPool exact = KvBlockPool.FromBudget(config, 16, 3 * PerBlock);
        Assert.Equal(3, exact.TotalBlocks);
        Assert.Throws<EngineException>(() => KvBlockPool.FromBudget(config, 16, PerBlock - 1));
    }

    [Fact]
    public void Blocks_are_aligned_and_laid_out_block_major()
    {
        using var pool = new KvBlockPool(numLayers: 2, kvHeads: 3, headDim: 24, blockSize: 5, numBlocks: 4);
        Assert.Equal(3 * 5 * 24, pool.FloatsPerBlock);
        for (int layer = 0; layer < 2; layer++)
        {
            Assert.Equal(0, (long)pool.LayerKeys(layer) % 64);
            Assert.Equal(0, (long)pool.LayerValues(layer) % 64);
            for (int b = 0; b < 4; b++)
            {
                Assert.Equal(b * pool.FloatsPerBlock, pool.KeyBlock(layer, b) - pool.LayerKeys(layer));
                Assert.Equal(b * pool.FloatsPerBlock, pool.ValueBlock(layer, b) - pool.LayerValues(layer));
            }
        }

        Assert.True(pool.LayerKeys(0) != pool.LayerKeys(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.KeyBlock(0, 4));
    }

    [Fact]
    public void Reference_counts_decide_when_a_block_is_free_again()
    {
        using var pool = new KvBlockPool(1, 1, 8, 4, numBlocks: 3);
        int a = pool.Allocate();
        int b = pool.Allocate();
        Assert.NotEqual(a, b);
        Assert.Equal(1, pool.FreeBlocks);
        Assert.Equal(2, pool.UsedBlocks);
        Assert.Equal(1, pool.RefCount(a));

        pool.Retain(a);
        Assert.Equal(2, pool.RefCount(a));
        Assert.Throws<InvalidOperationException>(() => pool.Free(a));
        pool.Release(a);
        Assert.Equal(1, pool.FreeBlocks);
        pool.Free(a);
        Assert.Equal(0, pool.RefCount(a));
        Assert.Equal(2, pool.FreeBlocks);

        // LIFO: the block just freed is the next one handed out.
        Assert.Equal(a, pool.Allocate());
        pool.Free(a);
        pool.Free(b);
        Assert.Equal(3, pool.FreeBlocks);
    }

    [Fact]
    public void Double_free_and_retaining_a_free_block_throw()
    {
        using var pool = new KvBlockPool(1, 1, 8, 4, numBlocks: 2);
        int a = pool.Allocate();
        pool.Free(a);
        Assert.Throws<InvalidOperationException>(() => pool.Free(a));
        Assert.Throws<InvalidOperationException>(() => pool.Release(a));
        Assert.Throws<InvalidOperationException>(() => pool.Retain(a));
        Assert.Equal(2, pool.FreeBlocks);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Free(-1));
    }

    [Fact]
    public void An_exhausted_pool_refuses_cleanly()
    {
        using var pool = new KvBlockPool(1, 1, 8, 4, numBlocks: 2);
        pool.Allocate();
        pool.Allocate();
        Assert.False(pool.TryAllocate(out int none));
        Assert.Equal(-1, none);
        EngineException e = Assert.Throws<EngineException>(() => pool.Allocate());
        Assert.Contains("exhausted", e.Message);
        Assert.Equal(0, pool.FreeBlocks);
    }

    [Fact]
    public void Disposed_pool_refuses_access()
    {
        var pool = new KvBlockPool(1, 1, 8, 4, numBlocks: 2);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.KeyBlock(0, 0));
        Assert.Throws<ObjectDisposedException>(() => pool.TryAllocate(out _));
    }
}
