using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

/// <summary>
/// Group-wise int4 weights: the packing round trip and error bound, and the GEMV over packed rows against a
/// double-precision product with the dequantised weights, on widths that do not fill the last group.
/// </summary>
public sealed unsafe class Int4GemvTests
{
    private const double Tolerance = 2e-5;

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(128)]
    public void Each_weight_is_within_half_a_step_of_its_group_and_the_groups_largest_maps_to_7(int groupSize)
    {
        const int Rows = 5, Cols = 301;
        float[] weights = KernelTestData.Uniform(Rows * Cols, seed: groupSize);
        weights.AsSpan(Cols, Cols).Clear(); // an all-zero row
        byte[] packed = Int4Layout.Quantize(weights, Rows, Cols, groupSize);
        Assert.Equal(Rows * Int4Layout.RowBytes(Cols, groupSize), packed.Length);
        Assert.Equal(((Cols + groupSize - 1) / groupSize) * ((groupSize / 2) + 4), Int4Layout.RowBytes(Cols, groupSize));
        float[] back = Int4Layout.Dequantize(packed, Rows, Cols, groupSize);

        for (int r = 0; r < Rows; r++)
        {
            for (int g0 = 0; g0 < Cols; g0 += groupSize)
            {
                int n = Math.Min(groupSize, Cols - g0);
                float max = weights.AsSpan((r * Cols) + g0, n).ToArray().Max(MathF.Abs);
                float step = max / 7f;
                for (int c = g0; c < g0 + n; c++)
                {
                    int i = (r * Cols) + c;
                    Assert.True(Math.Abs(weights[i] - back[i]) <= (step * 0.5f * 1.0001f) + 1e-30f, $"w[{r},{c}] = {weights[i]}, dequantised {back[i]}, step {step}");
                }

                if (max > 0)
                {
                    // 7 · (max / 7) is max up to one rounding of each operation.
                    float largest = back.AsSpan((r * Cols) + g0, n).ToArray().Max(MathF.Abs);
                    Assert.InRange(largest, max * (1 - 1e-6f), max * (1 + 1e-6f));
                }
            }
        }

        Assert.All(back.AsSpan(Cols, Cols).ToArray(), v => Assert.Equal(0f, v));
    }

    /// <summary>
    /// The least-error rounding never does worse than round-to-nearest on any group (it starts from it), uses the full
    /// [-8, 7] range, and on uniform weights cuts the total squared error (measured: to about 0.8 of nearest's here).
    /// </summary>
    [Theory]
    [InlineData(32)]
    [InlineData(128)]
    public void Least_error_rounding_is_never_worse_than_nearest(int groupSize)
    {
        const int Rows = 16, Cols = 300;
        float[] weights = KernelTestData.Uniform(Rows * Cols, seed: 5);
        float[] nearest = Int4Layout.Dequantize(Int4Layout.Quantize(weights, Rows, Cols, groupSize), Rows, Cols, groupSize);
        float[] least = Int4Layout.Dequantize(Int4Layout.Quantize(weights, Rows, Cols, groupSize, Int4Rounding.MinimumError), Rows, Cols, groupSize);
        double totalNearest = 0, totalLeast = 0;
        for (int r = 0; r < Rows; r++)
        {
            for (int g0 = 0; g0 < Cols; g0 += groupSize)
            {
                double en = 0, el = 0;
                for (int c = g0; c < Math.Min(Cols, g0 + groupSize); c++)
                {
                    int i = (r * Cols) + c;
                    en += Math.Pow(weights[i] - nearest[i], 2);
                    el += Math.Pow(weights[i] - least[i], 2);
                }

                Assert.True(el <= en * (1 + 1e-6), $"row {r}, group at {g0}: {el} > {en}");
                totalNearest += en;
                totalLeast += el;
            }
        }

        Console.WriteLine($"group {groupSize}: least-error / nearest squared error = {totalLeast / totalNearest:F3}");
        Assert.True(totalLeast < 0.95 * totalNearest, $"least-error rounding kept {totalLeast / totalNearest:P1} of nearest's squared error");
    }

    public static TheoryData<int, int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach ((int rows, int cols) in new[] { (37, 67), (3, 1), (301, 131), (45, 2100) })
        {
            foreach (int group in new[] { 32, 64, 128 })
            {
                foreach (int batch in new[] { 1, 3, Gemv.MaxBatch })
                {
                    data.Add(rows, cols, group, batch);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_a_double_precision_product_with_the_dequantised_weights(int rows, int cols, int groupSize, int batch)
    {
        float[] weights = KernelTestData.Uniform(rows * cols, seed: (rows * 31) + cols);

        // Odd batches take the least-error rounding, whose groups use the level -8 as well.
        byte[] packed = Int4Layout.Quantize(weights, rows, cols, groupSize, batch % 2 == 1 ? Int4Rounding.MinimumError : Int4Rounding.Nearest);
        float[] dequantised = Int4Layout.Dequantize(packed, rows, cols, groupSize);
        float[] x = KernelTestData.Uniform(batch * cols, seed: 7);
        float[] bias = KernelTestData.Uniform(rows, seed: 8);

        using var pool = new KernelThreadPool(2);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] y = new float[batch * rows];
            fixed (byte* pw = packed)
            fixed (float* px = x)
            fixed (float* py = y)
            fixed (float* pbias = bias)
            {
                var matrix = new WeightMatrix(pw, rows, cols, WeightFormat.Int4, groupSize: groupSize);
                Gemv.Multiply(pool, matrix, px, batch, py, pbias, accumulate: false, path);
            }

            KernelTestData.AssertGemv(dequantised, x, bias, null, y, rows, cols, batch, Tolerance, $"path {path}, group {groupSize}");
        }
    }

    [Fact]
    public void A_vectors_result_does_not_depend_on_its_batch()
    {
        const int Rows = 45, Cols = 2100;
        byte[] packed = Int4Layout.Quantize(KernelTestData.Uniform(Rows * Cols, seed: 3), Rows, Cols, 64);
        fixed (byte* pw = packed)
        {
            KernelTestData.AssertBatchInvariant(new WeightMatrix(pw, Rows, Cols, WeightFormat.Int4, groupSize: 64), KernelTestData.Uniform(Gemv.MaxBatch * Cols, seed: 4));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(48)]
    public void Int4_needs_a_supported_group_size(int groupSize)
    {
        byte[] data = new byte[64];
        fixed (byte* p = data)
        {
            byte* pointer = p;
            Assert.Throws<ArgumentException>(() => new WeightMatrix(pointer, 1, 32, WeightFormat.Int4, groupSize: groupSize));
        }
    }
}
