using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Activation vectors quantised to int8 at run time, for the integer products of <see cref="QuantizedGemv"/>: one
/// symmetric scale per vector (per token, as W8A8 dynamic quantisation does), so a product's integer sums can run over
/// a whole int8 row or a whole int4 group before any float arithmetic. Each vector is padded with zeros to whole groups
/// of 128 columns, so a packed int4 group's padding multiplies zeros, and carries the offset sums that int4 products
/// subtract. Buffers are pinned once and reused for every call.
/// </summary>
public sealed unsafe class QuantizedActivations
{
    /// <summary>Columns of one int8 dot-product step (and of one block of offset sums).</summary>
    public const int Block = 32;

    private const int Padding = 128;

    private readonly sbyte[] values;
    private readonly float[] scales;
    private readonly int[] offsets;

    public QuantizedActivations(int maxBatch, int maxCols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCols);
        MaxBatch = maxBatch;
        Stride = (maxCols + Padding - 1) / Padding * Padding;
        values = GC.AllocateArray<sbyte>(maxBatch * Stride, pinned: true);
        scales = GC.AllocateArray<float>(maxBatch, pinned: true);
        offsets = GC.AllocateArray<int>(maxBatch * (Stride / Block) * 8, pinned: true);
    }

    public int MaxBatch { get; }

    /// <summary>Elements between the starts of consecutive vectors (a multiple of 128).</summary>
    public int Stride { get; }

    /// <summary>Vectors and columns of the last quantisation.</summary>
    public int Batch { get; private set; }

    public int Cols { get; private set; }

    /// <summary>Vector j's int8 values, [Stride].</summary>
    public sbyte* Values(int j) => (sbyte*)Unsafe.AsPointer(ref values[j * Stride]);

    /// <summary>Vector j's scale: x ≈ q · scale.</summary>
    public float Scale(int j) => scales[j];

    /// <summary>The scales, one per vector.</summary>
    public float* Scales() => (float*)Unsafe.AsPointer(ref scales[0]);

    /// <summary>
    /// For each 32-column block of vector j, eight lane sums of 8 · q (lane k covers columns 4k..4k+3), so an int4
    /// product over unsigned nibbles u = q_w + 8 becomes Σ u·q - offset = Σ q_w·q.
    /// </summary>
    public int* Offsets(int j) => (int*)Unsafe.AsPointer(ref offsets[j * (Stride / Block) * 8]);

    /// <summary>True when the last quantisation also computed the offset sums (int4 products need them).</summary>
    public bool HasOffsets { get; private set; }

    /// <summary>x [batch, cols] (row stride cols) to int8 with one symmetric scale per vector: max|x| / 127.</summary>
    /// <param name="offsets">Also compute the offset sums of <see cref="Offsets"/>; int8 products do not need them.</param>
    /// <param name="absMax">[batch] max|x| per vector to scale by instead of x's own: a tensor-parallel rank holds some
    /// columns of each vector and scales them by the whole vector's maximum, as the unsplit model does.</param>
    public void QuantizePerToken(float* x, int batch, int cols, bool offsets = true, ReadOnlySpan<float> absMax = default)
    {
        Begin(batch, cols);
        HasOffsets = offsets;
        int blocks = (cols + Padding - 1) / Padding * (Padding / Block);
        for (int j = 0; j < batch; j++)
        {
            float* row = x + ((nint)j * cols);
            float scale = (absMax.IsEmpty ? MaxAbs(row, cols) : absMax[j]) / 127f;
            scales[j] = scale;
            sbyte* q = Values(j);
            Round(row, cols, scale, q);
            if (!offsets)
            {
                continue;
            }

            int* offset = Offsets(j);
            for (int b = 0; b < blocks; b++)
            {
                BlockOffsets(q + (b * Block), offset + (b * 8));
            }
        }
    }

    // Lane k: 8 · (q[4k] + q[4k+1] + q[4k+2] + q[4k+3]), computed as the int4 product computes u·q (vpmaddubsw, vpmaddwd).
    private static void BlockOffsets(sbyte* q, int* offset)
    {
        if (Avx2.IsSupported)
        {
            Vector256<short> pairs = Avx2.MultiplyAddAdjacent(Vector256.Create((byte)8), Avx.LoadVector256(q));
            Avx.Store(offset, Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1)));
            return;
        }

        for (int lane = 0; lane < 8; lane++)
        {
            sbyte* four = q + (4 * lane);
            offset[lane] = 8 * (four[0] + four[1] + four[2] + four[3]);
        }
    }

    private void Begin(int batch, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, MaxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cols, Stride);
        if (Cols > cols)
        {
            // Columns past the new width must read as zeros (the products run over whole blocks and groups).
            for (int j = 0; j < MaxBatch; j++)
            {
                Array.Clear(values, (j * Stride) + cols, Cols - cols);
            }
        }

        Batch = batch;
        Cols = cols;
    }

    /// <summary>max |x[i]| over n floats.</summary>
    public static float MaxAbs(float* x, int n)
    {
        int i = 0;
        float max = 0;
        if (Avx.IsSupported)
        {
            Vector256<float> m = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                m = Avx.Max(m, Vector256.Abs(Avx.LoadVector256(x + i)));
            }

            Vector128<float> half = Vector128.Max(m.GetLower(), m.GetUpper());
            half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
            half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(1, 0, 3, 2)));
            max = half.ToScalar();
        }

        for (; i < n; i++)
        {
            max = Math.Max(max, Math.Abs(x[i]));
        }

        return max;
    }

    // q = round(x / scale) to nearest even, within ±127; all zeros for a zero scale (an all-zero vector or block).
    private static void Round(float* x, int n, float scale, sbyte* q)
    {
        if (scale == 0 || !float.IsFinite(scale))
        {
            new Span<sbyte>(q, n).Clear();
            return;
        }

        float inverse = 1f / scale;
        int i = 0;
        if (Avx2.IsSupported)
        {
            // cvtps2dq rounds to nearest even (the default MXCSR mode), as MathF.Round below; |x · inverse| ≤ 127 up to
            // one rounding, and the saturating packs keep it there. The packs interleave 128-bit lanes; one dword
            // permutation restores column order.
            Vector256<float> inv = Vector256.Create(inverse);
            Vector256<int> order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            Vector256<sbyte> limit = Vector256.Create((sbyte)127), floor = Vector256.Create((sbyte)-127);
            for (; i <= n - 32; i += 32)
            {
                Vector256<int> a = Avx.ConvertToVector256Int32(Avx.LoadVector256(x + i) * inv);
                Vector256<int> b = Avx.ConvertToVector256Int32(Avx.LoadVector256(x + i + 8) * inv);
                Vector256<int> c = Avx.ConvertToVector256Int32(Avx.LoadVector256(x + i + 16) * inv);
                Vector256<int> d = Avx.ConvertToVector256Int32(Avx.LoadVector256(x + i + 24) * inv);
                Vector256<sbyte> packed = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(a, b), Avx2.PackSignedSaturate(c, d));
                packed = Avx2.PermuteVar8x32(packed.AsInt32(), order).AsSByte();
                Avx.Store(q + i, Avx2.Max(Avx2.Min(packed, limit), floor));
            }
        }

        for (; i < n; i++)
        {
            q[i] = (sbyte)Math.Clamp(MathF.Round(x[i] * inverse, MidpointRounding.ToEven), -127f, 127f);
        }
    }
}
