using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

/// <summary>
/// Int8 weights with one scale per output row: the quantiser's error bound, and the GEMV over int8 rows against a
/// double-precision product with the dequantised weights, on shapes that are not multiples of any SIMD width or block.
/// </summary>
public sealed unsafe class Int8GemvTests
{
    // Relative to Σ|w·x| per output, as for the float formats: only the summation order differs from the reference.
    private const double Tolerance = 2e-5;

    [Fact]
    public void Quantisation_error_is_at_most_half_a_step_and_the_largest_weight_maps_to_127()
    {
        const int Rows = 9, Cols = 131;
        float[] weights = new float[Rows * Cols];
        for (int r = 0; r < Rows; r++)
        {
            // Rows of very different magnitudes: each must get its own scale. Row 4 is all zeros.
            float magnitude = r == 4 ? 0 : MathF.Pow(10, r - 4);
            float[] row = KernelTestData.Uniform(Cols, seed: r, scale: magnitude);
            row.CopyTo(weights, r * Cols);
        }

        sbyte[] q = new sbyte[weights.Length];
        float[] scales = new float[Rows];
        Int8Quantizer.QuantizeRows(weights, Rows, Cols, q, scales);
        float[] back = new float[weights.Length];
        Int8Quantizer.DequantizeRows(q, scales, Rows, Cols, back);

        for (int r = 0; r < Rows; r++)
        {
            float max = weights.AsSpan(r * Cols, Cols).ToArray().Max(MathF.Abs);
            Assert.Equal(max / 127f, scales[r]);
            if (max > 0)
            {
                Assert.Equal(127, q.AsSpan(r * Cols, Cols).ToArray().Max(v => Math.Abs((int)v)));
            }

            for (int c = 0; c < Cols; c++)
            {
                int i = (r * Cols) + c;
                Assert.True(Math.Abs(weights[i] - back[i]) <= (scales[r] * 0.5f * 1.0001f) + 1e-30f, $"w[{r},{c}] = {weights[i]}, dequantised {back[i]}, scale {scales[r]}");
            }
        }

        Assert.All(q.AsSpan(4 * Cols, Cols).ToArray(), v => Assert.Equal(0, v));
        Assert.Equal(0f, scales[4]);
    }

    [Fact]
    public void A_non_finite_weight_is_refused()
    {
        float[] weights = [1f, float.NaN, 2f, 3f];
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Int8Quantizer.QuantizeRows(weights, 2, 2, new sbyte[4], new float[2]));
        Assert.Contains("row 0", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach ((int rows, int cols) in new[] { (37, 67), (37, 1), (1, 67), (301, 131), (45, 2100) })
        {
            foreach (int batch in new[] { 1, 3, 5, Gemv.MaxBatch })
            {
                foreach ((bool bias, bool accumulate) in new[] { (false, false), (true, true) })
                {
                    data.Add(rows, cols, batch, bias, accumulate);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_a_double_precision_product_with_the_dequantised_weights(int rows, int cols, int batch, bool withBias, bool accumulate)
    {
        float[] weights = KernelTestData.Uniform(rows * cols, seed: (rows * 31) + cols);
        sbyte[] q = new sbyte[weights.Length];
        float[] scales = new float[rows];
        Int8Quantizer.QuantizeRows(weights, rows, cols, q, scales);
        float[] dequantised = new float[weights.Length];
        Int8Quantizer.DequantizeRows(q, scales, rows, cols, dequantised);
        float[] x = KernelTestData.Uniform(batch * cols, seed: 7);
        float[] bias = KernelTestData.Uniform(rows, seed: 8);
        float[] initialY = KernelTestData.Uniform(batch * rows, seed: 9);

        using var pool = new KernelThreadPool(2);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] y = (float[])initialY.Clone();
            fixed (sbyte* pq = q)
            fixed (float* ps = scales)
            fixed (float* px = x)
            fixed (float* py = y)
            fixed (float* pbias = bias)
            {
                var matrix = new WeightMatrix(pq, rows, cols, WeightFormat.Int8, rowScales: ps);
                Gemv.Multiply(pool, matrix, px, batch, py, withBias ? pbias : null, accumulate, path);
            }

            KernelTestData.AssertGemv(dequantised, x, withBias ? bias : null, accumulate ? initialY : null, y, rows, cols, batch, Tolerance, $"path {path}");
        }
    }

    [Fact]
    public void A_vectors_result_does_not_depend_on_its_batch()
    {
        const int Rows = 45, Cols = 2100;
        float[] weights = KernelTestData.Uniform(Rows * Cols, seed: 3);
        sbyte[] q = new sbyte[weights.Length];
        float[] scales = new float[Rows];
        Int8Quantizer.QuantizeRows(weights, Rows, Cols, q, scales);
        fixed (sbyte* pq = q)
        fixed (float* ps = scales)
        {
            KernelTestData.AssertBatchInvariant(new WeightMatrix(pq, Rows, Cols, WeightFormat.Int8, rowScales: ps), KernelTestData.Uniform(Gemv.MaxBatch * Cols, seed: 4));
        }
    }

    [Fact]
    public void Int8_needs_row_scales_and_float_formats_refuse_them()
    {
        sbyte[] q = new sbyte[4];
        float[] s = new float[2];
        fixed (sbyte* pq = q)
        fixed (float* ps = s)
        {
            sbyte* data = pq;
            float* scales = ps;
            Assert.Throws<ArgumentException>(() => new WeightMatrix(data, 2, 2, WeightFormat.Int8));
            Assert.Throws<ArgumentException>(() => new WeightMatrix(data, 2, 2, WeightFormat.F32, rowScales: scales));
        }
    }
}
