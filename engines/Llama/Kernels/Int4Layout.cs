using System.Runtime.CompilerServices;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Group-wise int4 weights: each row is split into groups of G columns (32, 64 or 128; the last one padded with
/// zeros), and each group is stored as G/2 bytes of 4-bit values followed by its fp32 scale (G/2 + 4 bytes). Inside a
/// group, every 32 columns are 16 bytes: byte k holds column k in its low nibble and column k + 16 in its high one,
/// as q + 8 (q in [-8, 7]), so one 16-byte load gives 32 columns in order with a mask and a shift. Quantisation is
/// symmetric per group, w ≈ q · scale: round to nearest with scale = max|w| / 7, or (<see cref="Int4Rounding"/>) the
/// scale of least squared error.
/// </summary>
public static class Int4Layout
{
    public static bool IsSupportedGroup(int groupSize) => groupSize is 32 or 64 or 128;

    public static int GroupBytes(int groupSize) => (groupSize / 2) + sizeof(float);

    public static long RowBytes(int cols, int groupSize) => (long)((cols + groupSize - 1) / groupSize) * GroupBytes(groupSize);

    /// <summary>Packs row-major fp32 weights [rows, cols] into <see cref="RowBytes"/> bytes per row.</summary>
    public static byte[] Quantize(ReadOnlySpan<float> weights, int rows, int cols, int groupSize, Int4Rounding rounding = Int4Rounding.Nearest)
    {
        byte[] packed = new byte[rows * RowBytes(cols, groupSize)];
        Quantize(weights, rows, cols, groupSize, packed, rounding);
        return packed;
    }

    /// <summary>Packs row-major fp32 weights [rows, cols] into <paramref name="packed"/>: rows · <see cref="RowBytes"/> bytes.</summary>
    public static void Quantize(ReadOnlySpan<float> weights, int rows, int cols, int groupSize, Span<byte> packed, Int4Rounding rounding = Int4Rounding.Nearest)
    {
        Check(rows, cols, groupSize);
        if (weights.Length != (long)rows * cols)
        {
            throw new ArgumentException($"[{rows}, {cols}] weights need {(long)rows * cols} values");
        }

        long rowBytes = RowBytes(cols, groupSize);
        if (packed.Length != rows * rowBytes)
        {
            throw new ArgumentException($"[{rows}, {cols}] int4 weights in groups of {groupSize} take {rows * rowBytes} bytes, not {packed.Length}", nameof(packed));
        }

        Span<sbyte> levels = stackalloc sbyte[groupSize];
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

                Span<byte> group = packed.Slice((int)((r * rowBytes) + ((g0 / groupSize) * GroupBytes(groupSize))), GroupBytes(groupSize));
                group[..(groupSize / 2)].Fill(0x88);
                ReadOnlySpan<float> values = row.Slice(g0, n);
                Span<sbyte> q = levels[..n];
                float scale = rounding == Int4Rounding.Nearest ? Nearest(values, max, q) : MinimumError(values, max, q);
                for (int c = 0; c < n; c++)
                {
                    (int index, bool high) = Position(c);
                    group[index] = high ? (byte)((group[index] & 0x0F) | ((q[c] + 8) << 4)) : (byte)((group[index] & 0xF0) | (q[c] + 8));
                }

                Unsafe.WriteUnaligned(ref group[groupSize / 2], scale);
            }
        }
    }

    // Symmetric round to nearest: scale = max|w| / 7, q in [-7, 7].
    private static float Nearest(ReadOnlySpan<float> w, float max, Span<sbyte> q)
    {
        float scale = max / 7f;
        for (int c = 0; c < w.Length; c++)
        {
            q[c] = scale == 0 ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Round(w[c] / scale, MidpointRounding.ToEven), -7f, 7f);
        }

        return scale;
    }

    // The scale with the least squared error over all 16 levels (q in [-8, 7]): candidates from 0.70 to 1.10 of max/7,
    // each rounded and then refitted by least squares for its q (Σ w·q / Σ q²). Clipping the largest weight a little
    // usually buys a finer step for all the others; the search starts from Nearest's choice, so it is never worse.
    private static float MinimumError(ReadOnlySpan<float> w, float max, Span<sbyte> q)
    {
        float best = Nearest(w, max, q);
        if (best == 0)
        {
            return 0;
        }

        double bestError = SquaredError(w, q, best);
        Span<sbyte> trial = stackalloc sbyte[w.Length];
        for (int i = 0; i <= 20; i++)
        {
            float scale = max / 7f * (0.70f + (0.02f * i));
            double dot = 0, norm = 0;
            for (int c = 0; c < w.Length; c++)
            {
                trial[c] = (sbyte)Math.Clamp(MathF.Round(w[c] / scale, MidpointRounding.ToEven), -8f, 7f);
                dot += (double)w[c] * trial[c];
                norm += trial[c] * trial[c];
            }

            float fitted = norm == 0 ? scale : (float)(dot / norm);
            double error = SquaredError(w, trial, fitted);
            if (fitted > 0 && error < bestError)
            {
                bestError = error;
                best = fitted;
                trial.CopyTo(q);
            }
        }

        return best;
    }

    private static double SquaredError(ReadOnlySpan<float> w, ReadOnlySpan<sbyte> q, float scale)
    {
        double error = 0;
        for (int c = 0; c < w.Length; c++)
        {
            double d = w[c] - (q[c] * scale);
            error += d * d;
        }

        return error;
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
