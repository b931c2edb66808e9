using Harness.Engines.Llama.KvCache;

namespace Harness.Tests.Engines.KvCache;

public sealed class PrefixCacheTests
{
    private const int BlockSize = 4;

    [Fact]
    public void Prompts_sharing_two_full_blocks_share_exactly_those_blocks()
    {
        using var pool = new KvBlockPool(1, 1, 8, BlockSize, numBlocks: 16);
        var cache = new PrefixCache(pool);
        int[] a = Ids(10, start: 100);
        int[] b = [.. a[..8], 7, 8, 9];

        BlockTable tableA = Prefill(pool, cache, a);
        Assert.Equal(0, cache.HitTokens);
        Assert.Equal(10, cache.MissTokens);
        Assert.Equal(2, cache.MissBlocks);
        // Only A's two full blocks are cached; its third holds 2 of 4 tokens.
        Assert.Equal(2, cache.CachedBlocks);

        BlockTable tableB = Prefill(pool, cache, b);
        Assert.Equal(tableA.Blocks.Take(2), tableB.Blocks.Take(2));
        Assert.NotEqual(tableA.Blocks[2], tableB.Blocks[2]);
        Assert.Equal(3, tableB.BlockCount);
        Assert.Equal(8, cache.HitTokens);
        Assert.Equal(2, cache.HitBlocks);
        Assert.Equal(10 + 3, cache.MissTokens);
        Assert.Equal(2, cache.MissBlocks);
        Assert.Equal(8.0 / 21, cache.TokenHitRate, 12);

        // A, B and the cache hold each shared block; A's and B's own last blocks have one owner.
        Assert.Equal(3, pool.RefCount(tableA.Blocks[0]));
        Assert.Equal(3, pool.RefCount(tableA.Blocks[1]));
        Assert.Equal(1, pool.RefCount(tableA.Blocks[2]));
        Assert.Equal(1, pool.RefCount(tableB.Blocks[2]));
        Assert.Equal(4, pool.UsedBlocks);

        // Paged accounting counts the shared blocks once: 4 blocks hold 8 + 2 + 3 tokens.
        KvMemoryStats stats = KvMemoryStats.Of(pool, [tableA, tableB]);
        Assert.Equal(4, stats.BlocksInUse);
        Assert.Equal(4 * BlockSize * pool.BytesPerToken, stats.ReservedBytes);
        Assert.Equal(13 * pool.BytesPerToken, stats.UsedBytes);

        int[] shared = [.. tableA.Blocks.Take(2)];
        tableA.Release(pool);
        tableB.Release(pool);
        Assert.All(shared, block => Assert.Equal(1, pool.RefCount(block)));
        Assert.Equal(16 - 2, pool.FreeBlocks);
    }

    [Fact]
    public void A_partially_filled_block_is_never_shared()
    {
        using var pool = new KvBlockPool(1, 1, 8, BlockSize, numBlocks: 16);
        var cache = new PrefixCache(pool);
        int[] a = Ids(10, start: 100);
        BlockTable tableA = Prefill(pool, cache, a);

        // Same 10 tokens and 2 more: only the 2 full blocks match, not A's half-filled third.
        int[] longer = [.. a, 50, 51];
        IReadOnlyList<int> matched = cache.Match(longer);
        Assert.Equal(tableA.Blocks.Take(2), matched);
        Release(pool, matched);

        // Once A has decoded 2 more tokens its third block is full, and registering again caches it.
        Assert.True(tableA.TryAppendToken(pool));
        Assert.True(tableA.TryAppendToken(pool));
        Assert.Equal(1, cache.Register(longer, tableA));
        matched = cache.Match(longer);
        Assert.Equal(tableA.Blocks, matched);
        Release(pool, matched);

        // Registering the same blocks again adds nothing.
        Assert.Equal(0, cache.Register(longer, tableA));
        Assert.Equal(3, cache.CachedBlocks);
    }

    [Fact]
    public void A_different_earlier_block_changes_every_later_hash()
    {
        using var pool = new KvBlockPool(1, 1, 8, BlockSize, numBlocks: 16);
        var cache = new PrefixCache(pool);
        int[] a = Ids(8, start: 100);
        Prefill(pool, cache, a);

        // The second block's ids are A's, but after a different first block: no match at all.
        int[] b = [1, 2, 3, 4, .. a[4..]];
        Assert.Empty(cache.Match(b));
        Assert.NotEqual(PrefixCache.BlockHash(0, a.AsSpan(4, 4)), PrefixCache.BlockHash(PrefixCache.BlockHash(0, a.AsSpan(0, 4)), a.AsSpan(4, 4)));
    }

    [Fact]
    public void Unreferenced_cached_blocks_are_evicted_least_recently_used_first()
    {
        using var pool = new KvBlockPool(1, 1, 8, BlockSize, numBlocks: 5);
        var cache = new PrefixCache(pool);
        int[] x = Ids(8, start: 100);
        int[] y = Ids(8, start: 200);
        BlockTable tableX = Prefill(pool, cache, x);
        int[] xBlocks = [.. tableX.Blocks];
        tableX.Release(pool);
        BlockTable tableY = Prefill(pool, cache, y);
        int[] yBlocks = [.. tableY.Blocks];

        // X's blocks are held by the cache alone; Y is still running.
        Assert.Equal(1, pool.FreeBlocks);
        Assert.Equal(2, cache.EvictableBlocks);
        Assert.Equal(3, pool.AvailableBlocks);

        // The free block goes first; then X's blocks, its tail before its head; Y's are not touched.
        int[] taken = new int[3];
        for (int i = 0; i < 3; i++)
        {
            Assert.True(pool.TryAllocate(out taken[i]));
            if (i == 1)
            {
                Assert.Equal([xBlocks[0]], MatchAndRelease(cache, pool, x));
            }
        }

        Assert.DoesNotContain(taken[0], xBlocks.Concat(yBlocks));
        Assert.Equal(xBlocks[1], taken[1]);
        Assert.Equal(xBlocks[0], taken[2]);
        Assert.Equal(2, cache.Evictions);
        Assert.False(pool.TryAllocate(out _));

        // Y finishing makes its blocks evictable; the next allocation takes Y's tail.
        tableY.Release(pool);
        Assert.True(pool.TryAllocate(out int next));
        Assert.Equal(yBlocks[1], next);
        Assert.Equal([yBlocks[0]], MatchAndRelease(cache, pool, y));
        Assert.Equal(1, cache.CachedBlocks);
    }

    [Fact]
    public void A_recently_matched_prefix_outlives_an_older_one()
    {
        using var pool = new KvBlockPool(1, 1, 8, BlockSize, numBlocks: 4);
        var cache = new PrefixCache(pool);
        int[] x = Ids(4, start: 100);
        int[] y = Ids(4, start: 200);
        BlockTable tableX = Prefill(pool, cache, x);
        BlockTable tableY = Prefill(pool, cache, y);
        int yBlock = tableY.Blocks[0];
        tableX.Release(pool);
        tableY.Release(pool);

        // X was registered first but matched last, so Y is now the least recently used.
        Assert.Single(MatchAndRelease(cache, pool, x));
        Assert.True(pool.TryAllocate(out _));
        Assert.True(pool.TryAllocate(out _));
        Assert.True(pool.TryAllocate(out int evicted));
        Assert.Equal(yBlock, evicted);
        Assert.Empty(MatchAndRelease(cache, pool, y));
        Assert.Single(MatchAndRelease(cache, pool, x));
    }

    private static int[] Ids(int count, int start) => [.. Enumerable.Range(start, count)];

    // What a scheduler does for a new prompt: reuse the cached prefix, allocate the rest, prefill, register.
    private static BlockTable Prefill(KvBlockPool pool, PrefixCache cache, int[] prompt)
    {
        var table = new BlockTable(BlockSize);
        table.AdoptCachedPrefix(cache.Match(prompt));
        Assert.True(table.EnsureCapacity(pool, prompt.Length));
        table.TokenCount = prompt.Length;
        cache.Register(prompt, table);
        return table;
    }

    private static void Release(KvBlockPool pool, IReadOnlyList<int> blocks)
    {
        foreach (int block in blocks)
        {
            pool.Release(block);
        }
    }

    // Looks a prompt up and gives the references straight back: which blocks are still cached.
    private static int[] MatchAndRelease(PrefixCache cache, KvBlockPool pool, int[] prompt)
    {
        int[] blocks = [.. cache.Match(prompt)];
        Release(pool, blocks);
        return blocks;
    }
}
