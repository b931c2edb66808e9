using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.KvCache;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// <see cref="DecodeAttention.Fused"/> over a paged cache (vLLM's PagedAttention, decode side): one new query
/// position of one sequence, q [numHeads, headDim], attends positions [0, length) whose K/V rows live in the
/// sequence's blocks; output [numHeads, headDim]. A layer's K (and V) is [numBlocks, kvHeads, blockSize, headDim], so
/// each (block, kv head) pair is a contiguous run of blockSize rows and the inner loops are those of the contiguous
/// kernel; only the address of every blockSize-th row comes from the block table. Online softmax (running max and
/// sum) across blocks; scores scaled by 1/sqrt(headDim); GQA: query head h reads kv head h / groupSize.
/// </summary>
public static unsafe class PagedDecodeAttention
{
    // Same split rule as the contiguous kernel: below this many multiply-adds the caller does the work alone.
    private const long ParallelThreshold = 1 << 16;

    // Positions scored at once: the running max and sum are rescaled at most once per chunk. A chunk never crosses a
    // block boundary, so its rows are contiguous.
    private const int Chunk = 32;

    /// <summary>Attention of one query position over positions [0, length) of one layer of a sequence's cache.</summary>
    public static void Fused(
        KernelThreadPool threads,
        AttentionShape shape,
        float* q,
        KvBlockPool pool,
        int layer,
        BlockTable table,
        int length,
        float* output,
        VectorPath path = VectorPath.Auto,
        HeadSlice? slice = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(table);
        if (shape.NumKvHeads != pool.KvHeads || shape.HeadDim != pool.HeadDim)
        {
            throw new ArgumentException(
                $"attention shape ({shape.NumKvHeads} kv heads × {shape.HeadDim}) differs from the pool's ({pool.KvHeads} × {pool.HeadDim})");
        }

        if (table.BlockSize != pool.BlockSize)
        {
            throw new ArgumentException($"table block size {table.BlockSize} differs from the pool's {pool.BlockSize}", nameof(table));
        }

        Fused(threads, shape, q, pool.LayerKeys(layer), pool.LayerValues(layer), pool.BlockSize, table.BlockSpan, length, output, path, slice);
    }

    /// <summary>
    /// The same over raw storage: <paramref name="keys"/> and <paramref name="values"/> are one layer's
    /// [numBlocks, kvHeads, blockSize, headDim]; <paramref name="blocks"/> lists the sequence's physical blocks in
    /// logical order and must cover <paramref name="length"/> positions. Block ids are not range-checked here. With a
    /// <paramref name="slice"/>, q and output hold that slice's heads only.
    /// </summary>
    public static void Fused(
        KernelThreadPool threads,
        AttentionShape shape,
        float* q,
        float* keys,
        float* values,
        int blockSize,
        ReadOnlySpan<int> blocks,
        int length,
        float* output,
        VectorPath path = VectorPath.Auto,
        HeadSlice? slice = null)
    {
        ArgumentNullException.ThrowIfNull(threads);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, (long)blocks.Length * blockSize);
        if (shape.HeadDim == 0)
        {
            throw new ArgumentException("uninitialised attention shape", nameof(shape));
        }

        // Pinned for the whole call: ParallelFor returns only after every worker has finished.
        fixed (int* blockIds = blocks)
        {
            HeadSlice heads = slice ?? HeadSlice.All(shape);
            var body = new Body(shape, heads.FirstHead, q, keys, values, blockSize, blockIds, length, output, SimdLevels.Resolve(path));
            if ((long)heads.Heads * length * shape.HeadDim < ParallelThreshold)
            {
                body.Execute(0, heads.Heads, 0);
            }
            else
            {
                // Heads are independent: split them evenly, as the contiguous kernel does (whole GQA groups per worker
                // left 9 heads on 2 workers at 6/3; a kv head's rows read by two cores cost less than the idle third).
                threads.ParallelFor(heads.Heads, 1, body);
            }
        }
    }

    // Runs local heads [start, end) of the slice: local head j is global head firstHead + j.
    private readonly struct Body(
        AttentionShape shape,
        int firstHead,
        float* q,
        float* keys,
        float* values,
        int blockSize,
        int* blockIds,
        int length,
        float* output,
        SimdLevel level) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            int headDim = shape.HeadDim;
            float scale = 1f / MathF.Sqrt(headDim);
            for (int h = start; h < end; h++)
            {
                Head((firstHead + h) / shape.GroupSize, q + ((nint)h * headDim), output + ((nint)h * headDim), scale);
            }
        }

        private void Head(int kvHead, float* qh, float* oh, float scale)
        {
            int headDim = shape.HeadDim;
            long blockFloats = (long)shape.NumKvHeads * blockSize * headDim;
            long headOffset = (long)kvHead * blockSize * headDim;
            float* scores = stackalloc float[Chunk];
            float runningMax = float.NegativeInfinity;
            float runningSum = 0;
            new Span<float>(oh, headDim).Clear();
            for (int b = 0, blockStart = 0; blockStart < length; b++, blockStart += blockSize)
            {
                // This kv head's rows of block b: [blockSize, headDim], contiguous.
                long rows = (blockIds[b] * blockFloats) + headOffset;
                float* k = keys + rows;
                float* v = values + rows;
                int inBlock = Math.Min(blockSize, length - blockStart);
                for (int t0 = 0; t0 < inBlock; t0 += Chunk)
                {
                    int n = Math.Min(Chunk, inBlock - t0);
                    float* kt = k + ((nint)t0 * headDim);
                    float* vt = v + ((nint)t0 * headDim);
                    OnlineSoftmax.AccumulateChunk(qh, kt, vt, n, headDim, scale, scores, oh, ref runningMax, ref runningSum, level);
                }
            }

            VectorMath.Scale(oh, 1f / runningSum, headDim, level);
        }
    }
}
