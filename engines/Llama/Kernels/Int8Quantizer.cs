namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Symmetric per-output-channel int8 quantisation (round to nearest): each row's scale is max|w| / 127, so the row's
/// largest weight maps to ±127 and every weight is off by at most half a scale step. An all-zero row gets scale 0.
/// </summary>
public static class Int8Quantizer
{
    /// <summary>Quantises row-major weights [rows, cols] into <paramref name="quantized"/> and one scale per row.</summary>
    public static void QuantizeRows(ReadOnlySpan<float> weights, int rows, int cols, Span<sbyte> quantized, Span<float> scales)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        long count = (long)rows * cols;
        if (weights.Length != count || quantized.Length != count || scales.Length != rows)
        {
            throw new ArgumentException($"[{rows}, {cols}] weights need {count} values and outputs and {rows} scales");
        }

        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = weights.Slice(r * cols, cols);
            float max = 0;
            foreach (float w in row)
            {
                if (!float.IsFinite(w))
                {
                    throw new ArgumentException($"row {r} holds a non-finite weight ({w})", nameof(weights));
                }

                max = Math.Max(max, Math.Abs(w));
            }

            float scale = max / 127f;
            scales[r] = scale;
            Span<sbyte> q = quantized.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++)
            {
                q[c] = scale == 0 ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Round(row[c] / scale, MidpointRounding.ToEven), -127f, 127f);
            }
        }
    }

    /// <summary>w = q · scale[row], the weights the quantised matrix stands for.</summary>
    public static void DequantizeRows(ReadOnlySpan<sbyte> quantized, ReadOnlySpan<float> scales, int rows, int cols, Span<float> weights)
    {
        long count = (long)rows * cols;
        if (weights.Length != count || quantized.Length != count || scales.Length != rows)
        {
            throw new ArgumentException($"[{rows}, {cols}] weights need {count} values and outputs and {rows} scales");
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                weights[(r * cols) + c] = quantized[(r * cols) + c] * scales[r];
            }
        }
    }
}
