using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// y[j, r] = Σ_c W[r, c] · x[j, c] (+ bias[r]) with integer products: int8 weights (a scale per row) or int4 weights
/// (a scale per group of 32-128 columns) against int8 activations with one scale per vector (W8A8, W4A8). Widening every weight to fp32 made the quantised GEMVs
/// compute-bound on this class of CPU (int4 reached a quarter of its bandwidth roofline); the AVX2 byte products
/// (vpmaddubsw, then vpmaddwd) handle 32 columns in a few instructions. Rows are split across workers as in
/// <see cref="Gemv"/>, one linear stream each.
/// </summary>
/// <remarks>
/// The int8 sums are exact integers, so a W8A8 result is the same on every path and for every batch; W4A8 sums each
/// group's integer product in fp32 lanes, so its paths differ by rounding but each vector's result does not depend on
/// the batch. Without AVX2 a scalar loop computes the same products.
/// </remarks>
public static unsafe class QuantizedGemv
{
    /// <param name="x">Activations quantised per token, x.Cols == weights.Cols.</param>
    public static void Multiply(
        KernelThreadPool pool,
        in WeightMatrix weights,
        QuantizedActivations x,
        float* y,
        float* bias = null,
        bool accumulate = false,
        VectorPath path = VectorPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Cols != weights.Cols)
        {
            throw new ArgumentException($"activations of {x.Cols} columns do not fit a matrix of {weights.Cols}", nameof(x));
        }

        if (weights.Format is not (WeightFormat.Int8 or WeightFormat.Int4))
        {
            throw new ArgumentException($"integer products take int8 or int4 weights, not {weights.Format}", nameof(weights));
        }

        if (weights.Format == WeightFormat.Int4 && !x.HasOffsets)
        {
            throw new ArgumentException("int4 products need the activations' offset sums", nameof(x));
        }

        Gemv.RunRows(pool, weights, new Body(weights, x.Values(0), x.Scales(), x.Offsets(0), x.Stride, x.Batch, y, bias, accumulate, Avx2.IsSupported && path != VectorPath.Scalar));
    }

    // The activations as pointers (the buffers are pinned): vector j's values at values + j·stride, its scale at
    // scales[j] and its offset sums at offsets + j·stride/32·8.
    private readonly struct Body(
        WeightMatrix weights, sbyte* values, float* scales, int* offsets, int stride, int batch, float* y, float* bias, bool accumulate, bool avx2) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            int rows = weights.Rows;
            int cols = weights.Cols;
            int* sums = stackalloc int[4];

            // Int4 with several vectors: each row's nibbles are unpacked once (to bytes, in column order, with the group
            // scales beside them) and then multiplied by every vector, instead of being unpacked again per vector.
            bool unpackOnce = avx2 && batch > 1 && weights.Format == WeightFormat.Int4;
            int groupSize = weights.GroupSize;
            int groups = unpackOnce ? (cols + groupSize - 1) / groupSize : 0;
            byte* unpacked = stackalloc byte[groups * groupSize];
            float* groupScales = stackalloc float[groups];
            for (int r = start; r < end; r++)
            {
                byte* row = weights.RowPointer(r);
                int j = 0;
                if (weights.Format == WeightFormat.Int8)
                {
                    float rowScale = weights.RowScales[r];
                    for (; j + 4 <= batch && avx2; j += 4)
                    {
                        Dot4Int8(row, Values(j), stride, cols, sums);
                        for (int k = 0; k < 4; k++)
                        {
                            Store(r, j + k, rows, sums[k] * rowScale * scales[j + k]);
                        }
                    }

                    for (; j < batch; j++)
                    {
                        int sum = avx2 ? DotInt8(row, Values(j), cols) : DotInt8Scalar(row, Values(j), 0, cols);
                        Store(r, j, rows, sum * rowScale * scales[j]);
                    }
                }
                else if (unpackOnce)
                {
                    Unpack(row, groupSize, groups, unpacked, groupScales);
                    for (; j < batch; j++)
                    {
                        Store(r, j, rows, DotInt4Unpacked(unpacked, groupScales, groupSize, groups, Values(j), Offsets(j)) * scales[j]);
                    }
                }
                else
                {
                    for (; j < batch; j++)
                    {
                        float v = avx2
                            ? DotInt4(row, weights.GroupSize, Values(j), Offsets(j), cols)
                            : DotInt4Scalar(row, weights.GroupSize, Values(j), cols);
                        Store(r, j, rows, v * scales[j]);
                    }
                }
            }
        }

        private sbyte* Values(int j) => values + ((nint)j * stride);

        private int* Offsets(int j) => offsets + ((nint)j * (stride / QuantizedActivations.Block) * 8);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(int r, int j, int rows, float v)
        {
            if (bias != null)
            {
                v += bias[r];
            }

            float* yj = y + ((nint)j * rows) + r;
            *yj = accumulate ? *yj + v : v;
        }
    }

    // Σ w·a over int8 w and a (|a| ≤ 127, |w| ≤ 127): |w| times a carrying w's sign, so vpmaddubsw's pairs
    // (≤ 2 · 127 · 127) never saturate int16.
    private static int DotInt8(byte* w, sbyte* a, int cols)
    {
        Vector256<short> ones = Vector256.Create((short)1);
        Vector256<int> acc0 = Vector256<int>.Zero, acc1 = Vector256<int>.Zero;
        int i = 0;
        for (; i <= cols - 64; i += 64)
        {
            acc0 += ProductInt8(Avx.LoadVector256((sbyte*)w + i), Avx.LoadVector256(a + i), ones);
            acc1 += ProductInt8(Avx.LoadVector256((sbyte*)w + i + 32), Avx.LoadVector256(a + i + 32), ones);
        }

        for (; i <= cols - 32; i += 32)
        {
            acc0 += ProductInt8(Avx.LoadVector256((sbyte*)w + i), Avx.LoadVector256(a + i), ones);
        }

        return Vector256.Sum(acc0 + acc1) + DotInt8Scalar(w, a, i, cols);
    }

    // DotInt8 for 4 vectors (a, a + stride, ...) sharing each load and sign split of the weights.
    private static void Dot4Int8(byte* w, sbyte* a, int stride, int cols, int* sums)
    {
        Vector256<short> ones = Vector256.Create((short)1);
        Vector256<int> acc0 = Vector256<int>.Zero, acc1 = Vector256<int>.Zero, acc2 = Vector256<int>.Zero, acc3 = Vector256<int>.Zero;
        sbyte* a0 = a, a1 = a + stride, a2 = a + (2 * stride), a3 = a + (3 * stride);
        int i = 0;
        for (; i <= cols - 32; i += 32)
        {
            Vector256<sbyte> wv = Avx.LoadVector256((sbyte*)w + i);
            Vector256<byte> magnitude = Avx2.Abs(wv);
            acc0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, Avx2.Sign(Avx.LoadVector256(a0 + i), wv)), ones);
            acc1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, Avx2.Sign(Avx.LoadVector256(a1 + i), wv)), ones);
            acc2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, Avx2.Sign(Avx.LoadVector256(a2 + i), wv)), ones);
            acc3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, Avx2.Sign(Avx.LoadVector256(a3 + i), wv)), ones);
        }

        sums[0] = Vector256.Sum(acc0) + DotInt8Scalar(w, a0, i, cols);
        sums[1] = Vector256.Sum(acc1) + DotInt8Scalar(w, a1, i, cols);
        sums[2] = Vector256.Sum(acc2) + DotInt8Scalar(w, a2, i, cols);
        sums[3] = Vector256.Sum(acc3) + DotInt8Scalar(w, a3, i, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ProductInt8(Vector256<sbyte> w, Vector256<sbyte> a, Vector256<short> ones) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(w), Avx2.Sign(a, w)), ones);

    private static int DotInt8Scalar(byte* w, sbyte* a, int start, int cols)
    {
        int sum = 0;
        for (int i = start; i < cols; i++)
        {
            sum += ((sbyte*)w)[i] * a[i];
        }

        return sum;
    }

    // Σ over groups of group scale · Σ over the group's 32-column blocks of (Σ u·q - offset), with u = q_w + 8 the stored
    // nibbles: vpmaddubsw takes u unsigned and q signed (pairs ≤ 2 · 15 · 127), the block's offset sums (8 · q per lane)
    // remove the +8, and a group's blocks add up in int32 before its one conversion and FMA. Whole groups only: a
    // row's padding nibbles stand for zeros and the activations are zero-padded to whole groups of 128. The vector's
    // own scale is applied by the caller.
    private static float DotInt4(byte* row, int groupSize, sbyte* a, int* offsets, int cols) => groupSize switch
    {
        32 => DotInt4Group32(row, a, offsets, (cols + 31) / 32),
        64 => DotInt4Groups<Int4Group64>(row, a, offsets, (cols + 63) / 64),
        _ => DotInt4Groups<Int4Group128>(row, a, offsets, (cols + 127) / 128),
    };

    // Groups of 32 are single blocks: four at a time, in four accumulators (four FMA chains in flight), pointers
    // advancing, and the unpacking constants held in registers across the loop.
    private static float DotInt4Group32(byte* group, sbyte* a, int* offsets, int groups)
    {
        const int GroupBytes = 16 + sizeof(float);
        var k = new BlockConstants(0);
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero, acc2 = Vector256<float>.Zero, acc3 = Vector256<float>.Zero;
        byte* end = group + ((nint)(groups & ~3) * GroupBytes);
        for (; group < end; group += 4 * GroupBytes, a += 128, offsets += 32)
        {
            acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Block(group, a, offsets, k)), Vector256.Create(Unsafe.ReadUnaligned<float>(group + 16)), acc0);
            acc1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Block(group + GroupBytes, a + 32, offsets + 8, k)), Vector256.Create(Unsafe.ReadUnaligned<float>(group + GroupBytes + 16)), acc1);
            acc2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Block(group + (2 * GroupBytes), a + 64, offsets + 16, k)), Vector256.Create(Unsafe.ReadUnaligned<float>(group + (2 * GroupBytes) + 16)), acc2);
            acc3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Block(group + (3 * GroupBytes), a + 96, offsets + 24, k)), Vector256.Create(Unsafe.ReadUnaligned<float>(group + (3 * GroupBytes) + 16)), acc3);
        }

        for (int g = groups & 3; g > 0; g--, group += GroupBytes, a += 32, offsets += 8)
        {
            acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Block(group, a, offsets, k)), Vector256.Create(Unsafe.ReadUnaligned<float>(group + 16)), acc0);
        }

        return Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
    }

    private static float DotInt4Groups<TGroup>(byte* group, sbyte* a, int* offsets, int groups)
        where TGroup : struct, IInt4Group
    {
        int perGroup = TGroup.Size / 32;
        int groupBytes = (TGroup.Size / 2) + sizeof(float);
        var c = new BlockConstants(0);
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
        for (int g = 0; g < groups; g++, group += groupBytes)
        {
            Vector256<int> sum = Block(group, a, offsets, c) + Block(group + 16, a + 32, offsets + 8, c);
            for (int k = 2; k < perGroup; k += 2)
            {
                sum += Block(group + (k * 16), a + (k * 32), offsets + (k * 8), c) + Block(group + (k * 16) + 16, a + (k * 32) + 32, offsets + (k * 8) + 8, c);
            }

            Vector256<float> scale = Vector256.Create(Unsafe.ReadUnaligned<float>(group + (TGroup.Size / 2)));
            if ((g & 1) == 0)
            {
                acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), scale, acc0);
            }
            else
            {
                acc1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), scale, acc1);
            }

            a += TGroup.Size;
            offsets += perGroup * 8;
        }

        return Vector256.Sum(acc0 + acc1);
    }

    // One block's 8 int32 lanes of Σ u·q - offset. The 16 packed bytes go to both 128-bit lanes; shifting the upper
    // lane's dwords right by 4 brings each byte's high nibble down, so one mask gives columns 0-15 then 16-31.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Block(byte* bytes, sbyte* a, int* offsets, in BlockConstants c)
    {
        Vector256<uint> both = Avx2.BroadcastVector128ToVector256(bytes).AsUInt32();
        Vector256<byte> u = Avx2.ShiftRightLogicalVariable(both, c.Shifts).AsByte() & c.Mask;
        Vector256<int> p = Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, Avx.LoadVector256(a)), c.Ones);
        return p - Avx.LoadVector256(offsets);
    }

    // The unpacking constants, made once per row so the loop keeps them in registers.
    private readonly struct BlockConstants
    {
        public readonly Vector256<uint> Shifts;
        public readonly Vector256<byte> Mask;
        public readonly Vector256<short> Ones;

        public BlockConstants(int unused)
        {
            _ = unused;
            Shifts = Vector256.Create(0u, 0, 0, 0, 4, 4, 4, 4);
            Mask = Vector256.Create((byte)0x0F);
            Ones = Vector256.Create((short)1);
        }
    }

    // A row's groups as bytes u = q + 8 in column order (32 per block) and its group scales.
    private static void Unpack(byte* row, int groupSize, int groups, byte* u, float* groupScales)
    {
        var c = new BlockConstants(0);
        int groupBytes = Int4Layout.GroupBytes(groupSize);
        for (int g = 0; g < groups; g++, row += groupBytes)
        {
            groupScales[g] = Unsafe.ReadUnaligned<float>(row + (groupSize / 2));
            for (int k = 0; k < groupSize / 32; k++, u += 32)
            {
                Vector256<uint> both = Avx2.BroadcastVector128ToVector256(row + (k * 16)).AsUInt32();
                Avx.Store(u, Avx2.ShiftRightLogicalVariable(both, c.Shifts).AsByte() & c.Mask);
            }
        }
    }

    // DotInt4 over an unpacked row, with the same integer sums and the same fp32 accumulation order for each group size
    // (four rotating accumulators for groups of 32, two alternating ones for larger groups), so a vector's result is
    // bit-identical whether it came alone or in a batch.
    private static float DotInt4Unpacked(byte* u, float* groupScales, int groupSize, int groups, sbyte* a, int* offsets)
    {
        var c = new BlockConstants(0);
        if (groupSize == 32)
        {
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero, acc2 = Vector256<float>.Zero, acc3 = Vector256<float>.Zero;
            int g = 0;
            for (; g + 4 <= groups; g += 4)
            {
                acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(BlockUnpacked(u + (g * 32), a + (g * 32), offsets + (g * 8), c)), Vector256.Create(groupScales[g]), acc0);
                acc1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(BlockUnpacked(u + ((g + 1) * 32), a + ((g + 1) * 32), offsets + ((g + 1) * 8), c)), Vector256.Create(groupScales[g + 1]), acc1);
                acc2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(BlockUnpacked(u + ((g + 2) * 32), a + ((g + 2) * 32), offsets + ((g + 2) * 8), c)), Vector256.Create(groupScales[g + 2]), acc2);
                acc3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(BlockUnpacked(u + ((g + 3) * 32), a + ((g + 3) * 32), offsets + ((g + 3) * 8), c)), Vector256.Create(groupScales[g + 3]), acc3);
            }

            for (; g < groups; g++)
            {
                acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(BlockUnpacked(u + (g * 32), a + (g * 32), offsets + (g * 8), c)), Vector256.Create(groupScales[g]), acc0);
            }

            return Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        }

        int perGroup = groupSize / 32;
        Vector256<float> even = Vector256<float>.Zero, odd = Vector256<float>.Zero;
        for (int g = 0; g < groups; g++)
        {
            Vector256<int> sum = Vector256<int>.Zero;
            for (int k = 0; k < perGroup; k++, u += 32, a += 32, offsets += 8)
            {
                sum += BlockUnpacked(u, a, offsets, c);
            }

            Vector256<float> scale = Vector256.Create(groupScales[g]);
            if ((g & 1) == 0)
            {
                even = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), scale, even);
            }
            else
            {
                odd = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), scale, odd);
            }
        }

        return Vector256.Sum(even + odd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> BlockUnpacked(byte* u, sbyte* a, int* offsets, in BlockConstants c) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx.LoadVector256(u), Avx.LoadVector256(a)), c.Ones) - Avx.LoadVector256(offsets);

    private static float DotInt4Scalar(byte* row, int groupSize, sbyte* a, int cols)
    {
        int groupBytes = Int4Layout.GroupBytes(groupSize);
        int groups = (cols + groupSize - 1) / groupSize;
        float sum = 0;
        for (int g = 0; g < groups; g++)
        {
            byte* group = row + (g * groupBytes);
            sbyte* q = a + (g * groupSize);
            int dot = 0;
            for (int k = 0; k < groupSize / 2; k++)
            {
                // Byte k of a 32-column block holds column k (low nibble) and column k + 16 (high).
                int column = ((k / 16) * 32) + (k % 16);
                dot += (((group[k] & 0x0F) - 8) * q[column]) + (((group[k] >> 4) - 8) * q[column + 16]);
            }

            sum += dot * Unsafe.ReadUnaligned<float>(group + (groupSize / 2));
        }

        return sum;
    }
}
