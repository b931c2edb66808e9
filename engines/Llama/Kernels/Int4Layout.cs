using System.Runtime.CompilerServices;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Group-wise int4 weights: each row is split into groups of G columns (32, 64 or 128; the last one padded with
/// zeros), and each group is stored as G/2 bytes of 4-bit values followed by its fp32 scale (G/2 + 4 bytes). Inside a
/// group, every 32 columns are 16 bytes: byte k holds column k in its low nibble and column k + 16 in its high one,
/// as q + 8 (q in [-7, 7]), so one 16-byte load gives 32 columns in order with a mask and a shift. Quantisation is
/// symmetric round to nearest per group: scale = max|w| / 7, w ≈ q · scale.
/// </summary>
public static class Int4Layout
{
    public static bool IsSupportedGroup(int groupSize) => groupSize is 32 or 64 or 128;

    public static int GroupBytes(int groupSize) => (groupSize / 2) + sizeof(float);

    public static long RowBytes(int cols, int groupSize) => (long)((cols + groupSize - 1) / groupSize) * GroupBytes(groupSize);

    /// <summary>Packs row-major fp32 weights [rows, cols] into <see cref="RowBytes"/> bytes per row.</summary>
    public static byte[] Quantize(ReadOnlySpan<float> weights, int rows, int cols, int groupSize)
    {
        Check(rows, cols, groupSize);
        if (weights.Length != (long)rows * cols)
        {
            throw new ArgumentException($"[{rows}, {cols}] weights need {(long)rows * cols} values");
        }

        long rowBytes = RowBytes(cols, groupSize);
        byte[] packed = new byte[rows * rowBytes];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = weights.Slice(r * cols, cols);
            for (int g0 = 0; g0 < cols; g0 += groupSize)
            {
                int n = Math.Min(groupSize, cols - g0);
                float max = 0;
                for (int c = 0; c < n; c++)
                {
                    float w = row[g0 + c];
                    if (!float.IsFinite(w))
                    {
                        throw new ArgumentException($"row {r} holds a non-finite weight ({w})", nameof(weights));
                    }

                    max = Math.Max(max, Math.Abs(w));
                }

                float scale = max / 7f;
                Span<byte> group = packed.AsSpan((int)((r * rowBytes) + ((g0 / groupSize) * GroupBytes(groupSize))), GroupBytes(groupSize));
                group[..(groupSize / 2)].Fill(0x88);
                for (int c = 0; c < n; c++)
                {
                    int q = scale == 0 ? 0 : (int)Math.Clamp(MathF.Round(row[g0 + c] / scale, MidpointRounding.ToEven), -7f, 7f);
                    (int index, bool high) = Position(c);
                    group[index] = high ? (byte)((group[index] & 0x0F) | ((q + 8) << 4)) : (byte)((group[index] & 0xF0) | (q + 8));
                }

                Unsafe.WriteUnaligned(ref group[groupSize / 2], scale);
            }
        }

        return packed;
    }

    /// <summary>The fp32 weights a packed matrix stands for: q · scale of its group.</summary>
    public static float[] Dequantize(ReadOnlySpan<byte> packed, int rows, int cols, int groupSize)
    {
        Check(rows, cols, groupSize);
        long rowBytes = RowBytes(cols, groupSize);
        float[] weights = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                ReadOnlySpan<byte> group = packed.Slice((int)((r * rowBytes) + ((c / groupSize) * GroupBytes(groupSize))), GroupBytes(groupSize));
                weights[(r * cols) + c] = Value(group, c % groupSize, groupSize);
            }
        }

        return weights;
    }

    /// <summary>Column <paramref name="offset"/> of a group (its bytes and scale), dequantised.</summary>
    internal static float Value(ReadOnlySpan<byte> group, int offset, int groupSize)
    {
        (int index, bool high) = Position(offset);
        int u = high ? group[index] >> 4 : group[index] & 0x0F;
        return (u - 8) * Unsafe.ReadUnaligned<float>(in group[groupSize / 2]);
    }

    // Byte and nibble of column `offset` within its group: 16 bytes per 32 columns, column k low, k + 16 high.
    private static (int Index, bool High) Position(int offset) => (((offset / 32) * 16) + (offset % 16), offset % 32 >= 16);

    private static void Check(int rows, int cols, int groupSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (!IsSupportedGroup(groupSize))
        {
            throw new ArgumentException($"int4 group size must be 32, 64 or 128, got {groupSize}", nameof(groupSize));
        }
    }
}
