using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.KvCache;
using Harness.Tests.Engines.KvCache;

namespace Harness.Tests.Engines.Kernels;

public sealed unsafe class PagedDecodeAttentionTests
{
    public static TheoryData<int, int, int, int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, int>();
        foreach ((int heads, int kvHeads) in new[] { (9, 3), (4, 4) })
        {
            foreach (int headDim in new[] { 64, 24 })
            {
                foreach (int blockSize in new[] { 16, 5 })
                {
                    foreach (int length in new[] { 1, blockSize - 1, blockSize, (3 * blockSize) + 5 })
                    {
                        data.Add(heads, kvHeads, headDim, blockSize, length, 1);
                    }
                }
            }
        }

        // Large enough (32 · 300 · 64 multiply-adds) to be split over the workers.
        data.Add(32, 8, 64, 16, 300, 2);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Paged_equals_contiguous_fused_attention(int heads, int kvHeads, int headDim, int blockSize, int length, int workers)
    {
        const int Layers = 2, Layer = 1;
        int maxLength = length + 3;
        var shape = new AttentionShape(heads, kvHeads, headDim);
        // Sharp queries make the running max jump between blocks, which exercises the rescaling.
        float[] q = KernelTestData.Uniform(heads * headDim, seed: 1, scale: 4f);
        float[] k = KernelTestData.Uniform(kvHeads * maxLength * headDim, seed: 2);
        float[] v = KernelTestData.Uniform(kvHeads * maxLength * headDim, seed: 3);

        int needed = BlockTable.BlocksNeeded(length, blockSize);
        using KvBlockPool pool = KvCacheTestData.ScatteredPool(Layers, kvHeads, headDim, blockSize, (3 * needed) + 2, seed: length);
        var table = new BlockTable(blockSize);
        Assert.True(table.EnsureCapacity(pool, length));
        if (needed > 1)
        {
            Assert.Contains(Enumerable.Range(0, needed - 1), i => table.Blocks[i + 1] != table.Blocks[i] + 1);
        }

        // First half through the bulk copy a prefill uses, the rest one token at a time as decode writes them.
        int copied = length / 2;
        fixed (float* pk = k)
        fixed (float* pv = v)
        {
            PagedKv.CopyFromContiguous(pool, Layer, table, pk, pv, maxLength, 0, copied);
        }

        for (int p = copied; p < length; p++)
        {
            PagedKv.Write(pool, Layer, table, p, Row(k, kvHeads, maxLength, headDim, p), Row(v, kvHeads, maxLength, headDim, p));
        }

        using var threads = new KernelThreadPool(workers);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] expected = new float[heads * headDim];
            float[] paged = new float[heads * headDim];
            fixed (float* pq = q)
            fixed (float* pk = k)
            fixed (float* pv = v)
            fixed (float* pe = expected)
            fixed (float* pp = paged)
            {
                DecodeAttention.Fused(threads, shape, pq, pk, pv, maxLength, length, pe, path);
                PagedDecodeAttention.Fused(threads, shape, pq, pool, Layer, table, length, pp, path);
            }

            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(paged[i] - expected[i]) <= 1e-5, $"{path} [{i}]: paged {paged[i]} vs contiguous {expected[i]}");
            }
        }
    }

    [Fact]
    public void Bulk_copy_from_an_offset_lands_in_the_right_slots()
    {
        const int KvHeads = 2, HeadDim = 3, BlockSize = 4, Capacity = 12, Start = 3, Count = 7;
        float[] k = new float[KvHeads * Capacity * HeadDim];
        float[] v = new float[k.Length];
        for (int i = 0; i < k.Length; i++)
        {
            k[i] = i;
            v[i] = -i;
        }

        using KvBlockPool pool = KvCacheTestData.ScatteredPool(1, KvHeads, HeadDim, BlockSize, 8, seed: 5);
        var table = new BlockTable(BlockSize);
        Assert.True(table.EnsureCapacity(pool, Start + Count));
        fixed (float* pk = k)
        fixed (float* pv = v)
        {
            PagedKv.CopyFromContiguous(pool, 0, table, pk, pv, Capacity, Start, Count);
        }

        for (int p = Start; p < Start + Count; p++)
        {
            (int block, int offset) = table.SlotFor(p);
            for (int h = 0; h < KvHeads; h++)
            {
                for (int d = 0; d < HeadDim; d++)
                {
                    long slot = (((h * BlockSize) + offset) * HeadDim) + d;
                    float source = (((h * Capacity) + p) * HeadDim) + d;
                    Assert.Equal(source, pool.KeyBlock(0, block)[slot]);
                    Assert.Equal(-source, pool.ValueBlock(0, block)[slot]);
                }
            }
        }

        // Positions [8, 13) run past the contiguous capacity of 12.
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            fixed (float* pk = k)
            fixed (float* pv = v)
            {
                PagedKv.CopyFromContiguous(pool, 0, table, pk, pv, Capacity, 8, 5);
            }
        });
    }

    [Fact]
    public void Query_heads_read_their_own_kv_group()
    {
        // Each kv head's V rows all equal its index, so query head h must output h / groupSize everywhere.
        const int Heads = 6, KvHeads = 3, HeadDim = 8, BlockSize = 5, Length = 12;
        using KvBlockPool pool = KvCacheTestData.ScatteredPool(1, KvHeads, HeadDim, BlockSize, 6, seed: 9);
        var table = new BlockTable(BlockSize);
        Assert.True(table.EnsureCapacity(pool, Length));
        float[] key = KernelTestData.Uniform(KvHeads * HeadDim, seed: 4);
        float[] value = new float[KvHeads * HeadDim];
        for (int h = 0; h < KvHeads; h++)
        {
            Array.Fill(value, h, h * HeadDim, HeadDim);
        }

        for (int p = 0; p < Length; p++)
        {
            PagedKv.Write(pool, 0, table, p, key, value);
        }

        float[] q = KernelTestData.Uniform(Heads * HeadDim, seed: 6);
        float[] output = new float[Heads * HeadDim];
        using var threads = new KernelThreadPool(1);
        fixed (float* pq = q)
        fixed (float* po = output)
        {
            PagedDecodeAttention.Fused(threads, new AttentionShape(Heads, KvHeads, HeadDim), pq, pool, 0, table, Length, po);
        }

        for (int i = 0; i < output.Length; i++)
        {
            Assert.Equal(i / HeadDim / (Heads / KvHeads), output[i], 1e-6);
        }
    }

    [Fact]
    public void Length_beyond_the_table_is_refused()
    {
        using var pool = new KvBlockPool(1, 1, 8, 4, 2);
        var table = new BlockTable(4);
        Assert.True(table.EnsureCapacity(pool, 4));
        float[] q = new float[8];
        float[] output = new float[8];
        using var threads = new KernelThreadPool(1);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            fixed (float* pq = q)
            fixed (float* po = output)
            {
                PagedDecodeAttention.Fused(threads, new AttentionShape(1, 1, 8), pq, pool, 0, table, 5, po);
            }
        });
    }

    // One position's K or V over all kv heads, [kvHeads · headDim], from a contiguous [kvHeads, maxLength, headDim].
    private static float[] Row(float[] cache, int kvHeads, int maxLength, int headDim, int position)
    {
        float[] row = new float[kvHeads * headDim];
        for (int h = 0; h < kvHeads; h++)
        {
            Array.Copy(cache, ((h * maxLength) + position) * headDim, row, h * headDim, headDim);
        }

        return row;
    }
}
