using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

/// <summary>
/// Run-time activation quantisation (per token, with the offset sums int4 products need) and the integer GEMVs over it: W8A8 (int8
/// weights per row) and W4A8 (int4 weights per group), against double-precision products of the dequantised operands,
/// on widths that are not multiples of the SIMD width or the group, on every path, and independent of the batch.
/// </summary>
public sealed unsafe class QuantizedGemvTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach ((int rows, int cols) in new[] { (37, 67), (3, 1), (1, 64), (301, 131), (45, 2100) })
        {
            foreach (int batch in new[] { 1, 3, 5, Gemv.MaxBatch })
            {
                data.Add(rows, cols, batch);
            }
        }

        return data;
    }

    [Theory]
    [InlineData(67)]
    [InlineData(2100)]
    public void Activations_are_within_half_a_step_and_the_largest_maps_to_127(int cols)
    {
        const int Batch = 3;
        float[] x = KernelTestData.Uniform(Batch * cols, seed: cols, scale: 3f);
        x.AsSpan(cols, cols).Clear(); // an all-zero vector
        var q = new QuantizedActivations(Batch, cols);
        fixed (float* px = x)
        {
            q.QuantizePerToken(px, Batch, cols);
        }

        for (int j = 0; j < Batch; j++)
        {
            float scale = q.Scale(j);
            float max = x.AsSpan(j * cols, cols).ToArray().Max(MathF.Abs);
            Assert.Equal(max / 127f, scale);
            int largest = 0;
            for (int c = 0; c < cols; c++)
            {
                int value = q.Values(j)[c];
                largest = Math.Max(largest, Math.Abs(value));
                Assert.True(Math.Abs((value * scale) - x[(j * cols) + c]) <= (scale * 0.5f * 1.0001f) + 1e-30f, $"x[{j},{c}] = {x[(j * cols) + c]}, q = {value}, scale {scale}");
            }

            Assert.Equal(max > 0 ? 127 : 0, largest);
            for (int c = cols; c < q.Stride; c++)
            {
                Assert.Equal(0, q.Values(j)[c]);
            }

            // Lane k of each 32-column block's offsets is 8 times the sum of its columns 4k..4k+3 (zeros past the width).
            for (int b = 0; b < q.Stride / 32; b++)
            {
                for (int lane = 0; lane < 8; lane++)
                {
                    int sum = 0;
                    for (int c = (b * 32) + (4 * lane); c < (b * 32) + (4 * lane) + 4; c++)
                    {
                        sum += q.Values(j)[c];
                    }

                    Assert.Equal(8 * sum, q.Offsets(j)[(b * 8) + lane]);
                }
            }
        }
    }

    [Fact]
    public void A_narrower_quantisation_leaves_zeros_past_its_width()
    {
        var q = new QuantizedActivations(2, 300);
        float[] wide = KernelTestData.Uniform(2 * 300, seed: 1);
        float[] narrow = KernelTestData.Uniform(2 * 40, seed: 2);
        fixed (float* pw = wide, pn = narrow)
        {
            q.QuantizePerToken(pw, 2, 300);
            q.QuantizePerToken(pn, 2, 40);
        }

        for (int j = 0; j < 2; j++)
        {
            Assert.All(Enumerable.Range(40, q.Stride - 40), c => Assert.Equal(0, q.Values(j)[c]));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int8_products_equal_the_exact_integer_sums_on_every_path(int rows, int cols, int batch)
    {
        (sbyte[] w, float[] rowScales, float[] dequantised) = Int8Weights(rows, cols, seed: (rows * 31) + cols);
        float[] x = KernelTestData.Uniform(batch * cols, seed: 7, scale: 2f);
        float[] bias = KernelTestData.Uniform(rows, seed: 8);
        var q = new QuantizedActivations(batch, cols);
        float[]? first = null;
        using var pool = new KernelThreadPool(2);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] y = new float[batch * rows];
            fixed (sbyte* pw = w)
            fixed (float* ps = rowScales, px = x, py = y, pb = bias)
            {
                q.QuantizePerToken(px, batch, cols);
                QuantizedGemv.Multiply(pool, new WeightMatrix(pw, rows, cols, WeightFormat.Int8, rowScales: ps), q, py, pb, accumulate: false, path);
            }

            // The sums are integers, so the only rounding is the final scaling: 1e-6 of Σ|w·x| covers it.
            KernelTestData.AssertGemv(dequantised, Dequantized(q, batch, cols), bias, null, y, rows, cols, batch, 1e-6, $"path {path}");
            first ??= y;
            Assert.Equal(first, y);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int4_products_match_the_dequantised_operands(int rows, int cols, int batch)
    {
        foreach (int group in new[] { 32, 64, 128 })
        {
            float[] weights = KernelTestData.Uniform(rows * cols, seed: (rows * 31) + cols + group);
            byte[] packed = Int4Layout.Quantize(weights, rows, cols, group);
            float[] dequantised = Int4Layout.Dequantize(packed, rows, cols, group);
            float[] x = KernelTestData.Uniform(batch * cols, seed: 9, scale: 2f);
            var q = new QuantizedActivations(batch, cols);
            using var pool = new KernelThreadPool(2);
            foreach (VectorPath path in KernelTestData.AllPaths)
            {
                float[] y = new float[batch * rows];
                fixed (byte* pw = packed)
                fixed (float* px = x, py = y)
                {
                    q.QuantizePerToken(px, batch, cols);
                    QuantizedGemv.Multiply(pool, new WeightMatrix(pw, rows, cols, WeightFormat.Int4, groupSize: group), q, py, path: path);
                }

                KernelTestData.AssertGemv(dequantised, Dequantized(q, batch, cols), null, null, y, rows, cols, batch, 2e-6, $"path {path}, group {group}");
            }
        }
    }

    /// <summary>
    /// Against the unquantised fp32 product, the error of both schemes stays within the rounding of both operands: half
    /// a step of each, i.e. about 1/254 of the largest weight and activation, well under 2% of Σ|w·x| here.
    /// </summary>
    [Theory]
    [InlineData(WeightFormat.Int8)]
    [InlineData(WeightFormat.Int4)]
    public void Quantised_products_stay_close_to_the_float_product(WeightFormat format)
    {
        const int Rows = 64, Cols = 576, Batch = 4;
        float[] weights = KernelTestData.Uniform(Rows * Cols, seed: 11);
        float[] x = KernelTestData.Uniform(Batch * Cols, seed: 12);
        float[] y = new float[Batch * Rows];
        var q = new QuantizedActivations(Batch, Cols);
        using var pool = new KernelThreadPool(2);
        (sbyte[] w8, float[] scales, _) = Int8Weights(Rows, Cols, 11);
        byte[] w4 = Int4Layout.Quantize(weights, Rows, Cols, 32);
        fixed (sbyte* p8 = w8)
        fixed (byte* p4 = w4)
        fixed (float* ps = scales, px = x, py = y)
        {
            if (format == WeightFormat.Int8)
            {
                q.QuantizePerToken(px, Batch, Cols);
                QuantizedGemv.Multiply(pool, new WeightMatrix(p8, Rows, Cols, WeightFormat.Int8, rowScales: ps), q, py);
            }
            else
            {
                q.QuantizePerToken(px, Batch, Cols);
                QuantizedGemv.Multiply(pool, new WeightMatrix(p4, Rows, Cols, WeightFormat.Int4, groupSize: 32), q, py);
            }
        }

        // Int8 weights: within 1% of Σ|w·x|; int4's coarser weights (a step of max/7 per group): within 10%.
        KernelTestData.AssertGemv(weights, x, null, null, y, Rows, Cols, Batch, format == WeightFormat.Int8 ? 0.01 : 0.1, format.ToString());
    }

    /// <summary>
    /// A vector's result is bit-identical alone and in a batch of 16, where int4 rows are unpacked once for all vectors
    /// (each group size has its own accumulation order, so each is checked).
    /// </summary>
    [Theory]
    [InlineData(WeightFormat.Int8, 0)]
    [InlineData(WeightFormat.Int4, 32)]
    [InlineData(WeightFormat.Int4, 64)]
    [InlineData(WeightFormat.Int4, 128)]
    public void A_vectors_result_does_not_depend_on_its_batch(WeightFormat format, int groupSize)
    {
        const int Rows = 45, Cols = 2100, Batch = Gemv.MaxBatch;
        float[] x = KernelTestData.Uniform(Batch * Cols, seed: 4);
        (sbyte[] w8, float[] scales, _) = Int8Weights(Rows, Cols, 3);
        byte[] w4 = Int4Layout.Quantize(KernelTestData.Uniform(Rows * Cols, seed: 3), Rows, Cols, Math.Max(groupSize, 32));
        using var pool = new KernelThreadPool(2);
        fixed (sbyte* p8 = w8)
        fixed (byte* p4 = w4)
        fixed (float* ps = scales, px = x)
        {
            WeightMatrix matrix = format == WeightFormat.Int8
                ? new WeightMatrix(p8, Rows, Cols, WeightFormat.Int8, rowScales: ps)
                : new WeightMatrix(p4, Rows, Cols, WeightFormat.Int4, groupSize: groupSize);
            float[] together = new float[Batch * Rows];
            var q = new QuantizedActivations(Batch, Cols);
            fixed (float* pt = together)
            {
                q.QuantizePerToken(px, Batch, Cols);
                QuantizedGemv.Multiply(pool, matrix, q, pt);
            }

            var single = new QuantizedActivations(1, Cols);
            for (int j = 0; j < Batch; j++)
            {
                float[] alone = new float[Rows];
                fixed (float* pa = alone)
                {
                    single.QuantizePerToken(px + (j * Cols), 1, Cols);
                    QuantizedGemv.Multiply(pool, matrix, single, pa);
                }

                Assert.Equal(together.AsSpan(j * Rows, Rows).ToArray(), alone);
            }
        }
    }

    [Fact]
    public void Float_weights_and_a_mismatched_width_are_refused()
    {
        (sbyte[] w8, float[] scales, _) = Int8Weights(4, 64, 1);
        float[] x = KernelTestData.Uniform(64, seed: 2);
        float[] y = new float[4];
        var q = new QuantizedActivations(1, 64);
        using var pool = new KernelThreadPool(1);
        fixed (sbyte* p8 = w8)
        fixed (float* ps = scales, px = x, py = y)
        {
            float* output = py;
            q.QuantizePerToken(px, 1, 64);
            var floats = new WeightMatrix(px, 1, 64, WeightFormat.F32);
            Assert.Throws<ArgumentException>(() => QuantizedGemv.Multiply(pool, floats, q, output));
            q.QuantizePerToken(px, 1, 32);
            var matrix = new WeightMatrix(p8, 4, 64, WeightFormat.Int8, rowScales: ps);
            Assert.Throws<ArgumentException>(() => QuantizedGemv.Multiply(pool, matrix, q, output));
        }
    }

    private static (sbyte[] Values, float[] Scales, float[] Dequantised) Int8Weights(int rows, int cols, int seed)
    {
        float[] weights = KernelTestData.Uniform(rows * cols, seed);
        sbyte[] q = new sbyte[rows * cols];
        float[] scales = new float[rows];
        Int8Quantizer.QuantizeRows(weights, rows, cols, q, scales);
        float[] back = new float[rows * cols];
        Int8Quantizer.DequantizeRows(q, scales, rows, cols, back);
        return (q, scales, back);
    }

    // The activations the integer products stand for: q · the vector's scale.
    private static float[] Dequantized(QuantizedActivations q, int batch, int cols)
    {
        float[] x = new float[batch * cols];
        for (int j = 0; j < batch; j++)
        {
            for (int c = 0; c < cols; c++)
            {
                x[(j * cols) + c] = q.Values(j)[c] * q.Scale(j);
            }
        }

        return x;
    }
}
