namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Attention of one new query position over a layer's KV cache. q is [numHeads, headDim]; the cache is
/// K [numKvHeads, maxLen, headDim] and V [numKvHeads, maxLen, headDim], fp32 and contiguous, of which positions
/// [0, length) are attended (causality is implied: the cache holds only the past and the current token).
/// Output is [numHeads, headDim]. Scores are scaled by 1/sqrt(headDim).
/// </summary>
/// <remarks>
/// Heads are independent, so long contexts are split evenly over the pool by heads. Short contexts run on the caller:
/// the whole layer's cache is then a few hundred KiB, cheaper to read on one core than to wake the workers for. A
/// <see cref="HeadSlice"/> restricts the call to some heads (a tensor-parallel rank's): q and output then hold those
/// heads only, while the cache is still indexed by the global KV head.
/// </remarks>
public static unsafe class DecodeAttention
{
    // numHeads · length · headDim multiply-adds (per pass) below which the call stays on the calling thread.
    private const long ParallelThreshold = 1 << 16;

    // Positions scored at once by the fused variant: the running max and sum are rescaled once per block.
    private const int FusedBlock = 32;

    /// <summary>
    /// Three passes per head: scores[t] = q·k_t, softmax over scores, then Σ p_t v_t.
    /// </summary>
    /// <param name="scores">Scratch of at least numHeads · length floats.</param>
    public static void Unfused(
        KernelThreadPool pool,
        AttentionShape shape,
        float* q,
        float* keys,
        float* values,
        int maxLength,
        int length,
        float* output,
        float* scores,
        VectorPath path = VectorPath.Auto,
        HeadSlice? slice = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Run(pool, shape, slice ?? HeadSlice.All(shape), q, keys, values, maxLength, length, output, scores, path);
    }

    /// <summary>
    /// One pass per head with an online softmax (running max and sum; the accumulator is rescaled whenever the max
    /// grows), as flash-decoding does. Needs no scratch beyond the output.
    /// </summary>
    public static void Fused(
        KernelThreadPool pool,
        AttentionShape shape,
        float* q,
        float* keys,
        float* values,
        int maxLength,
        int length,
        float* output,
        VectorPath path = VectorPath.Auto,
        HeadSlice? slice = null)
        => Run(pool, shape, slice ?? HeadSlice.All(shape), q, keys, values, maxLength, length, output, null, path);

    private static void Run(
        KernelThreadPool pool,
        AttentionShape shape,
        HeadSlice slice,
        float* q,
        float* keys,
        float* values,
        int maxLength,
        int length,
        float* output,
        float* scores,
        VectorPath path)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, maxLength);
        if (shape.HeadDim == 0)
        {
            throw new ArgumentException("uninitialised attention shape", nameof(shape));
        }

        var body = new Body(shape, slice.FirstHead, q, keys, values, maxLength, length, output, scores, SimdLevels.Resolve(path));
        if ((long)slice.Heads * length * shape.HeadDim < ParallelThreshold)
        {
            body.Execute(0, slice.Heads, 0);
        }
        else
        {
            // Heads are independent: split them evenly (9 heads on 2 workers go 5/4, not 6/3 by whole kv groups).
            pool.ParallelFor(slice.Heads, 1, body);
        }
    }

    // Runs local heads [start, end) of the slice: local head j is global head firstHead + j.
    private readonly struct Body(
        AttentionShape shape,
        int firstHead,
        float* q,
        float* keys,
        float* values,
        int maxLength,
        int length,
        float* output,
        float* scores,
        SimdLevel level) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            int headDim = shape.HeadDim;
            float scale = 1f / MathF.Sqrt(headDim);
            for (int h = start; h < end; h++)
            {
                int kvHead = (firstHead + h) / shape.GroupSize;
                long cacheOffset = (long)kvHead * maxLength * headDim;
                float* qh = q + ((nint)h * headDim);
                float* oh = output + ((nint)h * headDim);
                if (scores != null)
                {
                    UnfusedHead(qh, keys + cacheOffset, values + cacheOffset, oh, scores + ((nint)h * length), scale);
                }
                else
                {
                    FusedHead(qh, keys + cacheOffset, values + cacheOffset, oh, scale);
                }
            }
        }

        private void UnfusedHead(float* qh, float* k, float* v, float* oh, float* headScores, float scale)
        {
            int headDim = shape.HeadDim;
            for (int t = 0; t < length; t++)
            {
                headScores[t] = VectorMath.Dot(qh, k + ((nint)t * headDim), headDim, level) * scale;
            }

            Softmax.InPlace(headScores, length, level);
            new Span<float>(oh, headDim).Clear();
            for (int t = 0; t < length; t++)
            {
                VectorMath.Axpy(oh, headScores[t], v + ((nint)t * headDim), headDim, level);
            }
        }

        private void FusedHead(float* qh, float* k, float* v, float* oh, float scale)
        {
            int headDim = shape.HeadDim;
            float* block = stackalloc float[FusedBlock];
            float runningMax = float.NegativeInfinity;
            float runningSum = 0;
            new Span<float>(oh, headDim).Clear();
            for (int t0 = 0; t0 < length; t0 += FusedBlock)
            {
                int n = Math.Min(FusedBlock, length - t0);
                float* kt = k + ((nint)t0 * headDim);
                float* vt = v + ((nint)t0 * headDim);
                OnlineSoftmax.AccumulateChunk(qh, kt, vt, n, headDim, scale, block, oh, ref runningMax, ref runningSum, level);
            }

            VectorMath.Scale(oh, 1f / runningSum, headDim, level);
        }
    }
}
