using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// y[m, rows] = x[m, cols] · Wᵀ (+ bias) for a small batch of activation vectors, reading the weights from DRAM once
/// per call. Weights are fp32, bf16, fp16, int8 with a scale per row or int4 with a scale per group (<see cref="WeightFormat"/>). Decode is bound by weight bandwidth, so the loops are arranged to stream W once: rows are split into one
/// contiguous chunk per worker, and each worker walks its chunk row after row, one linear stream, applying each row
/// (then in L1) to all m vectors before moving on; the vectors stay in L1 throughout.
/// </summary>
public static unsafe class Gemv
{
    /// <summary>Most activation vectors one call takes.</summary>
    public const int MaxBatch = 16;

    /// <summary>Rows per worker chunk are a multiple of this, so chunks start on whole cache lines.</summary>
    public const int RowAlignment = 16;

    // Columns summed as one block (partial sums are added block by block, in this order for every batch size).
    private const int ColumnBlock = 1024;

    // Below this many weight bytes, waking the workers costs more than the work.
    private const long ParallelThresholdBytes = 64 * 1024;

    /// <summary>
    /// Computes y[j, r] = Σ_c W[r, c] · x[j, c] (+ bias[r]) for j in [0, batch). x is [batch, cols] and y is
    /// [batch, rows], both dense fp32. With <paramref name="accumulate"/> the result is added to y (a fused residual
    /// add) instead of overwriting it. x and y must not overlap.
    /// </summary>
    /// <param name="bias">[rows] or null.</param>
    public static void Multiply(
        KernelThreadPool pool,
        in WeightMatrix weights,
        float* x,
        int batch,
        float* y,
        float* bias = null,
        bool accumulate = false,
        VectorPath path = VectorPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, MaxBatch);
        if (weights.Data == null)
        {
            throw new ArgumentException("the weight matrix is empty", nameof(weights));
        }

        RunRows(pool, weights, new Body(weights, x, batch, y, bias, accumulate, SimdLevels.Resolve(path)));
    }

    /// <summary>
    /// Runs a row kernel over every row of <paramref name="weights"/>: on the calling thread for a small matrix, else
    /// one contiguous, <see cref="RowAlignment"/>-aligned chunk per worker. Shared by the float and integer GEMVs.
    /// </summary>
    internal static void RunRows<TBody>(KernelThreadPool pool, in WeightMatrix weights, TBody body)
        where TBody : unmanaged, IKernelBody
    {
        if (weights.DataBytes < ParallelThresholdBytes)
        {
            body.Execute(0, weights.Rows, 0);
        }
        else
        {
            pool.ParallelFor(weights.Rows, RowAlignment, body);
        }
    }

    /// <summary>
    /// Writes row <paramref name="row"/> of the matrix as the fp32 values it stands for (int8 times its row scale, int4
    /// times its group scales): an embedding lookup through the same loaders the products use.
    /// </summary>
    public static void DequantizeRow(in WeightMatrix weights, int row, float* output, VectorPath path = VectorPath.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, weights.Rows);
        SimdLevel level = SimdLevels.Resolve(path);
        byte* data = weights.RowPointer(row);
        int cols = weights.Cols;
        switch (weights.Format)
        {
            case WeightFormat.F32:
                Widen<F32Loader>(level, data, 0, cols, output);
                break;
            case WeightFormat.BF16:
                Widen<Bf16Loader>(level, data, 0, cols, output);
                break;
            case WeightFormat.F16:
                Widen<F16Loader>(level, data, 0, cols, output);
                break;
            case WeightFormat.Int8:
                Widen<Int8Loader>(level, data, 0, cols, output);
                float scale = weights.RowScales[row];
                for (int c = 0; c < cols; c++)
                {
                    output[c] *= scale;
                }

                break;
            case WeightFormat.Int4 when weights.GroupSize == 32:
                Widen<Int4Loader<Int4Group32>>(level, data, 0, cols, output);
                break;
            case WeightFormat.Int4 when weights.GroupSize == 64:
                Widen<Int4Loader<Int4Group64>>(level, data, 0, cols, output);
                break;
            case WeightFormat.Int4:
                Widen<Int4Loader<Int4Group128>>(level, data, 0, cols, output);
                break;
            default:
                throw new NotSupportedException($"weight format {weights.Format}");
        }
    }

    private readonly struct Body(
        WeightMatrix weights, float* x, int batch, float* y, float* bias, bool accumulate, SimdLevel level) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            switch (weights.Format)
            {
                case WeightFormat.F32:
                    StreamRows<F32Loader>(start, end);
                    break;
                case WeightFormat.BF16:
                    StreamRows<Bf16Loader>(start, end);
                    break;
                case WeightFormat.F16:
                    StreamRows<F16Loader>(start, end);
                    break;
                case WeightFormat.Int8:
                    StreamRows<Int8Loader>(start, end);
                    break;
                case WeightFormat.Int4 when weights.GroupSize == 32:
                    StreamRows<Int4Loader<Int4Group32>>(start, end);
                    break;
                case WeightFormat.Int4 when weights.GroupSize == 64:
                    StreamRows<Int4Loader<Int4Group64>>(start, end);
                    break;
                case WeightFormat.Int4:
                    StreamRows<Int4Loader<Int4Group128>>(start, end);
                    break;
                default:
                    throw new NotSupportedException($"weight format {weights.Format}");
            }
        }

        // One row at a time, so each worker's reads form a single linear stream through its chunk; the row (a few KiB)
        // stays in L1 while it is applied to each of the batch's vectors. Interleaving 4 rows instead makes 4 short
        // streams (a 576-column fp32 row is 36 cache lines) that the hardware prefetcher cannot follow: `bench`
        // measured the linear walk at 1.3-1.6x the decode speed of the interleaved one here. Each vector's sum is
        // taken per column block in the same order whatever the batch, so a sequence's result does not depend on the
        // batch it came in (continuous batching must reproduce single-stream outputs bit for bit).
        // With several vectors over a narrow format, each column block of the row is widened to fp32 once (exactly)
        // and then applied to every vector, instead of being widened again per vector (which made bf16 batches
        // compute-bound); the per-vector operations are the same either way.
        private void StreamRows<TLoad>(int start, int end)
            where TLoad : IWeightLoader
        {
            int cols = weights.Cols;
            int rows = weights.Rows;
            bool widenOnce = batch > 1 && typeof(TLoad) != typeof(F32Loader);
            float* widened = stackalloc float[widenOnce ? ColumnBlock : 0];
            float* sums = stackalloc float[MaxBatch];
            float* scales = weights.RowScales;
            for (int r = start; r < end; r++)
            {
                byte* row = weights.RowPointer(r);
                new Span<float>(sums, batch).Clear();
                for (int c = 0; c < cols; c += ColumnBlock)
                {
                    int n = Math.Min(ColumnBlock, cols - c);
                    if (widenOnce)
                    {
                        Widen<TLoad>(level, row, c, n, widened);
                        DotVectors<F32Loader>(level, (byte*)widened, 0, x + c, cols, batch, n, sums);
                    }
                    else
                    {
                        DotVectors<TLoad>(level, row, c, x + c, cols, batch, n, sums);
                    }
                }

                for (int j = 0; j < batch; j++)
                {
                    // Int8 rows hold q = w / scale: the dot product of q with x, times the row's scale, is w · x.
                    float v = scales == null ? sums[j] : sums[j] * scales[r];
                    if (bias != null)
                    {
                        v += bias[r];
                    }

                    float* yj = y + ((nint)j * rows) + r;
                    *yj = accumulate ? *yj + v : v;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotVectors<TLoad>(SimdLevel level, byte* row, int col, float* x, int xStride, int batch, int n, float* sums)
        where TLoad : IWeightLoader
    {
        if (batch == 1)
        {
            sums[0] += Dot1<TLoad>(level, row, col, x, n);
            return;
        }

        // Four vectors at a time share each load of the weights and keep eight independent FMA chains in flight (one
        // vector alone is bound by the latency of its two). Each vector's operations are exactly those of Dot1, in the
        // same order, so grouping changes no bit of any result.
        int j = 0;
        for (; j + 4 <= batch && level != SimdLevel.Scalar; j += 4)
        {
            if (level == SimdLevel.Vector512)
            {
                Dot4x512<TLoad>(row, col, x + ((nint)j * xStride), xStride, n, sums + j);
            }
            else
            {
                Dot4xVector<TLoad>(row, col, x + ((nint)j * xStride), xStride, n, sums + j);
            }
        }

        for (; j < batch; j++)
        {
            sums[j] += Dot1<TLoad>(level, row, col, x + ((nint)j * xStride), n);
        }
    }

    // sums[v] += Dot1(w, x + v·xStride) for v in 0..3, with Dot1's Vector512 arithmetic per vector.
    private static void Dot4x512<TLoad>(byte* w, int col, float* x, int xStride, int n, float* sums)
        where TLoad : IWeightLoader
    {
        const int Step = 2 * 16;
        float* x0 = x, x1 = x + xStride, x2 = x + (2 * xStride), x3 = x + (3 * xStride);
        Vector512<float> a0 = default, b0 = default, a1 = default, b1 = default;
        Vector512<float> a2 = default, b2 = default, a3 = default, b3 = default;
        int i = 0;
        for (; i <= n - Step; i += Step)
        {
            TLoad.Load512(w, col + i, out Vector512<float> lo, out Vector512<float> hi);
            a0 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x0 + i), a0);
            b0 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x0 + i + 16), b0);
            a1 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x1 + i), a1);
            b1 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x1 + i + 16), b1);
            a2 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x2 + i), a2);
            b2 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x2 + i + 16), b2);
            a3 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x3 + i), a3);
            b3 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x3 + i + 16), b3);
        }

        sums[0] += Tail<TLoad>(w, col, x0, i, n, Vector512.Sum(a0 + b0));
        sums[1] += Tail<TLoad>(w, col, x1, i, n, Vector512.Sum(a1 + b1));
        sums[2] += Tail<TLoad>(w, col, x2, i, n, Vector512.Sum(a2 + b2));
        sums[3] += Tail<TLoad>(w, col, x3, i, n, Vector512.Sum(a3 + b3));
    }

    // sums[v] += Dot1(w, x + v·xStride) for v in 0..3, with Dot1's Vector<float> arithmetic per vector (the path taken
    // where 512-bit vectors are not accelerated, e.g. AVX2 machines).
    private static void Dot4xVector<TLoad>(byte* w, int col, float* x, int xStride, int n, float* sums)
        where TLoad : IWeightLoader
    {
        int width = Vector<float>.Count;
        int step = 2 * width;
        float* x0 = x, x1 = x + xStride, x2 = x + (2 * xStride), x3 = x + (3 * xStride);
        Vector<float> a0 = default, b0 = default, a1 = default, b1 = default;
        Vector<float> a2 = default, b2 = default, a3 = default, b3 = default;
        int i = 0;
        for (; i <= n - step; i += step)
        {
            TLoad.LoadVector(w, col + i, out Vector<float> lo, out Vector<float> hi);
            a0 = Vector.FusedMultiplyAdd(lo, Vector.Load(x0 + i), a0);
            b0 = Vector.FusedMultiplyAdd(hi, Vector.Load(x0 + i + width), b0);
            a1 = Vector.FusedMultiplyAdd(lo, Vector.Load(x1 + i), a1);
            b1 = Vector.FusedMultiplyAdd(hi, Vector.Load(x1 + i + width), b1);
            a2 = Vector.FusedMultiplyAdd(lo, Vector.Load(x2 + i), a2);
            b2 = Vector.FusedMultiplyAdd(hi, Vector.Load(x2 + i + width), b2);
            a3 = Vector.FusedMultiplyAdd(lo, Vector.Load(x3 + i), a3);
            b3 = Vector.FusedMultiplyAdd(hi, Vector.Load(x3 + i + width), b3);
        }

        sums[0] += Tail<TLoad>(w, col, x0, i, n, Vector.Sum(a0 + b0));
        sums[1] += Tail<TLoad>(w, col, x1, i, n, Vector.Sum(a1 + b1));
        sums[2] += Tail<TLoad>(w, col, x2, i, n, Vector.Sum(a2 + b2));
        sums[3] += Tail<TLoad>(w, col, x3, i, n, Vector.Sum(a3 + b3));
    }

    // The scalar columns [i, n) after the vector loop, added to s one by one as Dot1 does.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail<TLoad>(byte* w, int col, float* x, int i, int n, float s)
        where TLoad : IWeightLoader
    {
        for (; i < n; i++)
        {
            s += TLoad.LoadScalar(w, col + i) * x[i];
        }

        return s;
    }

    private static void Widen<TLoad>(SimdLevel level, byte* row, int col, int n, float* output)
        where TLoad : IWeightLoader
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            for (; i <= n - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
            {
                TLoad.Load512(row, col + i, out Vector512<float> lo, out Vector512<float> hi);
                lo.Store(output + i);
                hi.Store(output + i + Vector512<float>.Count);
            }
        }
        else if (level == SimdLevel.Vector)
        {
            for (; i <= n - (2 * Vector<float>.Count); i += 2 * Vector<float>.Count)
            {
                TLoad.LoadVector(row, col + i, out Vector<float> lo, out Vector<float> hi);
                lo.Store(output + i);
                hi.Store(output + i + Vector<float>.Count);
            }
        }

        for (; i < n; i++)
        {
            output[i] = TLoad.LoadScalar(row, col + i);
        }
    }

    private static float Dot1<TLoad>(SimdLevel level, byte* w, int col, float* x, int n)
        where TLoad : IWeightLoader
    {
        float s = 0;
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            Vector512<float> a = default, b = default;
            for (; i <= n - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
            {
                TLoad.Load512(w, col + i, out Vector512<float> lo, out Vector512<float> hi);
                a = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x + i), a);
                b = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x + i + Vector512<float>.Count), b);
            }

            s = Vector512.Sum(a + b);
        }
        else if (level == SimdLevel.Vector)
        {
            Vector<float> a = default, b = default;
            for (; i <= n - (2 * Vector<float>.Count); i += 2 * Vector<float>.Count)
            {
                TLoad.LoadVector(w, col + i, out Vector<float> lo, out Vector<float> hi);
                a = Vector.FusedMultiplyAdd(lo, Vector.Load(x + i), a);
                b = Vector.FusedMultiplyAdd(hi, Vector.Load(x + i + Vector<float>.Count), b);
            }

            s = Vector.Sum(a + b);
        }

        return Tail<TLoad>(w, col, x, i, n, s);
    }
}
