namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// One chunk of flash-decoding's online softmax for one head: scores n consecutive cached positions, rescales the
/// running output and sum when the maximum grows, and adds the chunk's weighted values. Shared by the contiguous and
/// the paged decode attention, which differ only in where a chunk's rows live.
/// </summary>
internal static unsafe class OnlineSoftmax
{
    /// <param name="qh">Query of this head: [headDim].</param>
    /// <param name="k">Keys of the chunk's positions: [n, headDim], contiguous.</param>
    /// <param name="v">Values of the chunk's positions: [n, headDim], contiguous.</param>
    /// <param name="scores">Scratch of at least n floats.</param>
    /// <param name="oh">Running (unnormalised) output: [headDim].</param>
    public static void AccumulateChunk(
        float* qh, float* k, float* v, int n, int headDim, float scale, float* scores, float* oh, ref float runningMax, ref float runningSum, SimdLevel level)
    {
        for (int t = 0; t < n; t++)
        {
            scores[t] = VectorMath.Dot(qh, k + ((nint)t * headDim), headDim, level) * scale;
        }

        float chunkMax = VectorMath.Max(scores, n, level);
        if (chunkMax > runningMax)
        {
            // exp(−∞) = 0 on the first chunk, where the accumulator and sum are still zero anyway.
            float rescale = MathF.Exp(runningMax - chunkMax);
            runningSum *= rescale;
            VectorMath.Scale(oh, rescale, headDim, level);
            runningMax = chunkMax;
        }

        // Turns scores into exp(score − max) in place and sums them.
        runningSum += VectorMath.ExpShiftedSum(scores, runningMax, n, level);
        for (int t = 0; t < n; t++)
        {
            VectorMath.Axpy(oh, scores[t], v + ((nint)t * headDim), headDim, level);
        }
    }
}
