namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// Writes keys and values into a sequence's blocks: one token per decode step, or a range of a contiguous cache
/// after a prefill (libtorch computes prefill into a contiguous <see cref="ContiguousKvCache"/>, whose rows are then
/// copied into blocks). The table must already have capacity for the positions written.
/// </summary>
public static unsafe class PagedKv
{
    /// <summary>Stores one token's K and V (each [kvHeads · headDim], kv head major) at <paramref name="position"/>.</summary>
    public static void Write(KvBlockPool pool, int layer, BlockTable table, int position, ReadOnlySpan<float> key, ReadOnlySpan<float> value)
    {
        ArgumentNullException.ThrowIfNull(pool);
        int width = pool.KvHeads * pool.HeadDim;
        if (key.Length != width || value.Length != width)
        {
            throw new ArgumentException($"key and value must hold kvHeads · headDim = {width} floats");
        }

        fixed (float* k = key)
        fixed (float* v = value)
        {
            Write(pool, layer, table, position, k, v);
        }
    }

    /// <inheritdoc cref="Write(KvBlockPool, int, BlockTable, int, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    /// <param name="firstKvHead">With <paramref name="kvHeads"/>: key and value hold only KV heads
    /// [firstKvHead, firstKvHead + kvHeads) (a tensor-parallel rank's), written to those heads' rows.</param>
    /// <param name="kvHeads">KV heads held by key and value; -1 for all of the pool's.</param>
    public static void Write(KvBlockPool pool, int layer, BlockTable table, int position, float* key, float* value, int firstKvHead = 0, int kvHeads = -1)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        (int block, int offset) = table.SlotFor(position);
        int headDim = pool.HeadDim;
        long rowBytes = (long)headDim * sizeof(float);
        float* keyBlock = pool.KeyBlock(layer, block);
        float* valueBlock = pool.ValueBlock(layer, block);
        if (kvHeads < 0)
        {
            kvHeads = pool.KvHeads;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstKvHead + kvHeads, pool.KvHeads, nameof(kvHeads));
        for (int j = 0; j < kvHeads; j++)
        {
            // Block layout [kvHeads, blockSize, headDim]: head h's row for this slot.
            long row = ((((long)firstKvHead + j) * pool.BlockSize) + offset) * headDim;
            Buffer.MemoryCopy(key + ((long)j * headDim), keyBlock + row, rowBytes, rowBytes);
            Buffer.MemoryCopy(value + ((long)j * headDim), valueBlock + row, rowBytes, rowBytes);
        }
    }

    /// <summary>
    /// Copies positions [start, start + count) of one layer of a contiguous cache, keys and values laid out
    /// [kvHeads, capacity, headDim], into the same positions of the table's blocks. Each (kv head, block) run is one
    /// memcpy: rows are contiguous on both sides.
    /// </summary>
    public static void CopyFromContiguous(
        KvBlockPool pool, int layer, BlockTable table, float* keys, float* values, int capacity, int start, int count)
        => CopyRuns(pool, layer, table, keys, values, capacity, start, count, toBlocks: true);

    /// <summary>
    /// The reverse: positions [start, start + count) of the table's blocks into the same positions of one layer of a
    /// contiguous cache (a cached prefix that a libtorch prefill must attend).
    /// </summary>
    public static void CopyToContiguous(
        KvBlockPool pool, int layer, BlockTable table, float* keys, float* values, int capacity, int start, int count)
        => CopyRuns(pool, layer, table, keys, values, capacity, start, count, toBlocks: false);

    private static void CopyRuns(
        KvBlockPool pool, int layer, BlockTable table, float* keys, float* values, int capacity, int start, int count, bool toBlocks)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, table.Capacity);
        int headDim = pool.HeadDim;
        int blockSize = pool.BlockSize;
        int end = start + count;
        for (int p = start; p < end;)
        {
            (int block, int offset) = table.SlotFor(p);
            int run = Math.Min(blockSize - offset, end - p);
            long runBytes = (long)run * headDim * sizeof(float);
            float* keyBlock = pool.KeyBlock(layer, block);
            float* valueBlock = pool.ValueBlock(layer, block);
            for (int h = 0; h < pool.KvHeads; h++)
            {
                float* contiguousKeys = keys + ((((long)h * capacity) + p) * headDim);
                float* contiguousValues = values + ((((long)h * capacity) + p) * headDim);
                float* blockKeys = keyBlock + ((((long)h * blockSize) + offset) * headDim);
                float* blockValues = valueBlock + ((((long)h * blockSize) + offset) * headDim);
                if (toBlocks)
                {
                    Buffer.MemoryCopy(contiguousKeys, blockKeys, runBytes, runBytes);
                    Buffer.MemoryCopy(contiguousValues, blockValues, runBytes, runBytes);
                }
                else
                {
                    Buffer.MemoryCopy(blockKeys, contiguousKeys, runBytes, runBytes);
                    Buffer.MemoryCopy(blockValues, contiguousValues, runBytes, runBytes);
                }
            }

            p += run;
        }
    }
}
