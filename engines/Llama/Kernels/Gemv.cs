using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// y[m, rows] = x[m, cols] · Wᵀ (+ bias) for a small batch of activation vectors, reading the weights from DRAM once
/// per call. Decode is bound by weight bandwidth, so the loops are arranged to stream W once: rows are split into one
/// contiguous chunk per worker. At batch 1 each worker walks its chunk row after row, one linear stream (x stays in
/// L1); with several vectors it takes 4 rows at a time (sharing every x load between them) and walks the columns in
/// L1-sized blocks, applying each block to all m vectors before moving on.
/// </summary>
public static unsafe class Gemv
{
    /// <summary>Most activation vectors one call takes.</summary>
    public const int MaxBatch = 8;

    /// <summary>Rows per worker chunk are a multiple of this, so chunks start on whole 4-row groups and cache lines.</summary>
    public const int RowAlignment = 16;

    private const int RowGroup = 4;

    // 4 rows x 1024 fp32 columns = 16 KiB: stays in L1 while the block is applied to each of the m vectors.
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

        var body = new Body(weights, x, batch, y, bias, accumulate, SimdLevels.Resolve(path));
        if (weights.DataBytes < ParallelThresholdBytes)
        {
            body.Execute(0, weights.Rows, 0);
        }
        else
        {
            pool.ParallelFor(weights.Rows, RowAlignment, body);
        }
    }

    private readonly struct Body(
        WeightMatrix weights, float* x, int batch, float* y, float* bias, bool accumulate, SimdLevel level) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            switch (weights.Format)
            {
                case WeightFormat.F32 when batch == 1:
                    StreamRows<F32Loader>(start, end);
                    break;
                case WeightFormat.BF16 when batch == 1:
                    StreamRows<Bf16Loader>(start, end);
                    break;
                case WeightFormat.F32:
                    RunRows<F32Loader>(start, end);
                    break;
                case WeightFormat.BF16:
                    RunRows<Bf16Loader>(start, end);
                    break;
                default:
                    throw new NotSupportedException($"weight format {weights.Format}");
            }
        }

        // Batch 1: one row at a time, so each worker's reads form a single linear stream through its chunk. Interleaving
        // 4 rows instead makes 4 short streams (a 576-column fp32 row is 36 cache lines) that the hardware prefetcher
        // cannot follow; `bench` measured the linear walk at 1.3-1.6x the speed of the interleaved one here.
        private void StreamRows<TLoad>(int start, int end)
            where TLoad : IWeightLoader
        {
            int cols = weights.Cols;
            for (int r = start; r < end; r++)
            {
                float v = Dot1<TLoad>(level, weights.RowPointer(r), 0, x, cols);
                if (bias != null)
                {
                    v += bias[r];
                }

                y[r] = accumulate ? y[r] + v : v;
            }
        }

        private void RunRows<TLoad>(int start, int end)
            where TLoad : IWeightLoader
        {
            int cols = weights.Cols;
            int rows = weights.Rows;
            float* sums = stackalloc float[RowGroup * MaxBatch];
            float* decoded = stackalloc float[RowGroup * ColumnBlock];
            for (int r = start; r < end; r += RowGroup)
            {
                int groupRows = Math.Min(RowGroup, end - r);
                new Span<float>(sums, RowGroup * batch).Clear();
                byte* w0 = weights.RowPointer(r);
                byte* w1 = groupRows > 1 ? weights.RowPointer(r + 1) : null;
                byte* w2 = groupRows > 2 ? weights.RowPointer(r + 2) : null;
                byte* w3 = groupRows > 3 ? weights.RowPointer(r + 3) : null;
                for (int c = 0; c < cols; c += ColumnBlock)
                {
                    int n = Math.Min(ColumnBlock, cols - c);
                    if (batch > 1 && typeof(TLoad) != typeof(F32Loader))
                    {
                        // Decode the block to fp32 once instead of once per vector: [groupRows, n] in L1.
                        Decode<TLoad>(level, w0, c, n, decoded);
                        Decode<TLoad>(level, w1, c, n, decoded + ColumnBlock);
                        Decode<TLoad>(level, w2, c, n, decoded + (2 * ColumnBlock));
                        Decode<TLoad>(level, w3, c, n, decoded + (3 * ColumnBlock));
                        ApplyBlock<F32Loader>(
                            (byte*)decoded,
                            (byte*)(decoded + ColumnBlock),
                            (byte*)(decoded + (2 * ColumnBlock)),
                            (byte*)(decoded + (3 * ColumnBlock)),
                            0,
                            c,
                            n,
                            groupRows,
                            sums);
                    }
                    else
                    {
                        ApplyBlock<TLoad>(w0, w1, w2, w3, c, c, n, groupRows, sums);
                    }
                }

                for (int j = 0; j < batch; j++)
                {
                    float* yj = y + ((nint)j * rows) + r;
                    for (int k = 0; k < groupRows; k++)
                    {
                        float v = sums[(j * RowGroup) + k];
                        if (bias != null)
                        {
                            v += bias[r + k];
                        }

                        yj[k] = accumulate ? yj[k] + v : v;
                    }
                }
            }
        }

        // Applies columns [xCol, xCol + n) of a 4-row group (weights from wCol) to every vector of the batch.
        private void ApplyBlock<TLoad>(
            byte* w0, byte* w1, byte* w2, byte* w3, int wCol, int xCol, int n, int groupRows, float* sums)
            where TLoad : IWeightLoader
        {
            int cols = weights.Cols;
            int c = wCol;
            for (int j = 0; j < batch; j++)
            {
                float* xj = x + ((nint)j * cols) + xCol;
                float* s = sums + (j * RowGroup);
                if (groupRows == RowGroup)
                {
                    Dot4<TLoad>(level, w0, w1, w2, w3, c, xj, n, s);
                }
                else
                {
                    s[0] += Dot1<TLoad>(level, w0, c, xj, n);
                    if (groupRows > 1)
                    {
                        s[1] += Dot1<TLoad>(level, w1, c, xj, n);
                    }

                    if (groupRows > 2)
                    {
                        s[2] += Dot1<TLoad>(level, w2, c, xj, n);
                    }
                }
            }
        }
    }

    private static void Decode<TLoad>(SimdLevel level, byte* row, int col, int n, float* output)
        where TLoad : IWeightLoader
    {
        if (row == null)
        {
            return;
        }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4<TLoad>(
        SimdLevel level, byte* w0, byte* w1, byte* w2, byte* w3, int col, float* x, int n, float* sums)
        where TLoad : IWeightLoader
    {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            // Two accumulators per row: 8 independent FMA chains hide FMA latency when the block is re-read from L1.
            Vector512<float> a0 = default, b0 = default, a1 = default, b1 = default;
            Vector512<float> a2 = default, b2 = default, a3 = default, b3 = default;
            for (; i <= n - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
            {
                Vector512<float> xl = Vector512.Load(x + i);
                Vector512<float> xh = Vector512.Load(x + i + Vector512<float>.Count);
                TLoad.Load512(w0, col + i, out Vector512<float> lo, out Vector512<float> hi);
                a0 = Vector512.FusedMultiplyAdd(lo, xl, a0);
                b0 = Vector512.FusedMultiplyAdd(hi, xh, b0);
                TLoad.Load512(w1, col + i, out lo, out hi);
                a1 = Vector512.FusedMultiplyAdd(lo, xl, a1);
                b1 = Vector512.FusedMultiplyAdd(hi, xh, b1);
                TLoad.Load512(w2, col + i, out lo, out hi);
                a2 = Vector512.FusedMultiplyAdd(lo, xl, a2);
                b2 = Vector512.FusedMultiplyAdd(hi, xh, b2);
                TLoad.Load512(w3, col + i, out lo, out hi);
                a3 = Vector512.FusedMultiplyAdd(lo, xl, a3);
                b3 = Vector512.FusedMultiplyAdd(hi, xh, b3);
            }

            s0 = Vector512.Sum(a0 + b0);
            s1 = Vector512.Sum(a1 + b1);
            s2 = Vector512.Sum(a2 + b2);
            s3 = Vector512.Sum(a3 + b3);
        }
        else if (level == SimdLevel.Vector)
        {
            // One accumulator per row: the portable width may have only 16 registers (AVX2).
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - (2 * Vector<float>.Count); i += 2 * Vector<float>.Count)
            {
                Vector<float> xl = Vector.Load(x + i);
                Vector<float> xh = Vector.Load(x + i + Vector<float>.Count);
                TLoad.LoadVector(w0, col + i, out Vector<float> lo, out Vector<float> hi);
                a0 = Vector.FusedMultiplyAdd(hi, xh, Vector.FusedMultiplyAdd(lo, xl, a0));
                TLoad.LoadVector(w1, col + i, out lo, out hi);
                a1 = Vector.FusedMultiplyAdd(hi, xh, Vector.FusedMultiplyAdd(lo, xl, a1));
                TLoad.LoadVector(w2, col + i, out lo, out hi);
                a2 = Vector.FusedMultiplyAdd(hi, xh, Vector.FusedMultiplyAdd(lo, xl, a2));
                TLoad.LoadVector(w3, col + i, out lo, out hi);
                a3 = Vector.FusedMultiplyAdd(hi, xh, Vector.FusedMultiplyAdd(lo, xl, a3));
            }

            s0 = Vector.Sum(a0);
            s1 = Vector.Sum(a1);
            s2 = Vector.Sum(a2);
            s3 = Vector.Sum(a3);
        }

        for (; i < n; i++)
        {
            float xv = x[i];
            s0 += TLoad.LoadScalar(w0, col + i) * xv;
            s1 += TLoad.LoadScalar(w1, col + i) * xv;
            s2 += TLoad.LoadScalar(w2, col + i) * xv;
            s3 += TLoad.LoadScalar(w3, col + i) * xv;
        }

        sums[0] += s0;
        sums[1] += s1;
        sums[2] += s2;
        sums[3] += s3;
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

        for (; i < n; i++)
        {
            s += TLoad.LoadScalar(w, col + i) * x[i];
        }

        return s;
    }
}
