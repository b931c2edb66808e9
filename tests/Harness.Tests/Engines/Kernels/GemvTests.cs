using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

public sealed unsafe class GemvTests
{
    // Relative to Σ|w·x| per output: fp32 summation of up to ~2000 products in a different order than the reference.
    private const double Tolerance = 2e-5;

    public static TheoryData<int, int, int, WeightFormat, bool, bool, int> Cases()
    {
        var data = new TheoryData<int, int, int, WeightFormat, bool, bool, int>();
        (int Rows, int Cols)[] shapes = [(37, 67), (37, 1), (1, 67), (301, 131), (45, 2100)];
        foreach ((int rows, int cols) in shapes)
        {
            foreach (WeightFormat format in new[] { WeightFormat.F32, WeightFormat.BF16, WeightFormat.F16 })
            {
                foreach (int batch in new[] { 1, 3, 8 })
                {
                    foreach ((bool bias, bool accumulate) in new[] { (false, false), (true, false), (false, true), (true, true) })
                    {
                        foreach (int workers in new[] { 1, 2 })
                        {
                            data.Add(rows, cols, batch, format, bias, accumulate, workers);
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_a_double_precision_reference(
        int rows, int cols, int batch, WeightFormat format, bool withBias, bool accumulate, int workers)
    {
        float[] weights = KernelTestData.Uniform(rows * cols, seed: rows * 31 + cols);
        ushort[] bf16 = new ushort[weights.Length];
        if (format != WeightFormat.F32)
        {
            // The reference multiplies by exactly the values the 16-bit weights stand for.
            for (int i = 0; i < weights.Length; i++)
            {
                bf16[i] = Narrow(weights[i], format);
                weights[i] = Widen(bf16[i], format);
            }
        }

        float[] x = KernelTestData.Uniform(batch * cols, seed: 7);
        float[] bias = KernelTestData.Uniform(rows, seed: 8);
        float[] initialY = KernelTestData.Uniform(batch * rows, seed: 9);

        using var pool = new KernelThreadPool(workers);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] y = (float[])initialY.Clone();
            fixed (float* pw = weights)
            fixed (ushort* pb16 = bf16)
            fixed (float* px = x)
            fixed (float* py = y)
            fixed (float* pbias = bias)
            {
                var matrix = new WeightMatrix(format == WeightFormat.F32 ? pw : pb16, rows, cols, format);
                Gemv.Multiply(pool, matrix, px, batch, py, withBias ? pbias : null, accumulate, path);
            }

            KernelTestData.AssertGemv(weights, x, withBias ? bias : null, accumulate ? initialY : null, y, rows, cols, batch, Tolerance, $"path {path}");
        }
    }

    [Fact]
    public void Honours_a_row_stride_wider_than_the_columns()
    {
        const int Rows = 5, Cols = 40, Stride = 48;
        float[] padded = KernelTestData.Uniform(Rows * Stride, seed: 3);
        float[] x = KernelTestData.Uniform(Cols, seed: 4);
        float[] y = new float[Rows];
        using var pool = new KernelThreadPool(1);
        fixed (float* pw = padded)
        fixed (float* px = x)
        fixed (float* py = y)
        {
            Gemv.Multiply(pool, new WeightMatrix(pw, Rows, Cols, WeightFormat.F32, Stride), px, 1, py);
        }

        for (int r = 0; r < Rows; r++)
        {
            double expected = 0;
            for (int c = 0; c < Cols; c++)
            {
                expected += (double)padded[(r * Stride) + c] * x[c];
            }

            Assert.Equal(expected, y[r], 1e-4);
        }
    }

    [Theory]
    [InlineData(37, 67, WeightFormat.F32)]
    [InlineData(45, 2100, WeightFormat.F32)]
    [InlineData(45, 2100, WeightFormat.BF16)]
    [InlineData(301, 1031, WeightFormat.BF16)]
    [InlineData(45, 2100, WeightFormat.F16)]
    public void A_vectors_result_does_not_depend_on_its_batch(int rows, int cols, WeightFormat format)
    {
        // Includes matrices wider than one column block (1024).
        float[] weights = KernelTestData.Uniform(rows * cols, seed: 3);
        ushort[] bf16 = [.. weights.Select(w => Narrow(w, format))];
        float[] x = KernelTestData.Uniform(Gemv.MaxBatch * cols, seed: 4);
        float[] bias = KernelTestData.Uniform(rows, seed: 5);
        fixed (float* pw = weights)
        fixed (ushort* pb16 = bf16)
        {
            KernelTestData.AssertBatchInvariant(new WeightMatrix(format == WeightFormat.F32 ? pw : pb16, rows, cols, format), x, bias);
        }
    }

    /// <summary>
    /// Every finite fp16 value (normal, subnormal, both zeros) widens to exactly the fp32 that .NET's Half conversion
    /// gives, on every path: a 63,488-row matrix of one column times 1, and the same values as 16-column rows.
    /// </summary>
    [Fact]
    public void Fp16_widening_is_exact_for_every_finite_value()
    {
        ushort[] all = [.. Enumerable.Range(0, 65536).Select(i => (ushort)i).Where(h => Half.IsFinite(BitConverter.UInt16BitsToHalf(h)))];
        Assert.Equal(63488, all.Length);
        float[] one = [1f];
        using var pool = new KernelThreadPool(2);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] y = new float[all.Length];
            float[] row = new float[16];
            fixed (ushort* pw = all)
            fixed (float* px = one, py = y, pr = row)
            {
                // As a column (each row one value) through the GEMV, and as rows through the embedding lookup.
                Gemv.Multiply(pool, new WeightMatrix(pw, all.Length, 1, WeightFormat.F16), px, 1, py, path: path);
                for (int r = 0; r < all.Length; r++)
                {
                    Assert.Equal((float)BitConverter.UInt16BitsToHalf(all[r]), y[r]);
                }

                var wide = new WeightMatrix(pw, all.Length / 16, 16, WeightFormat.F16);
                for (int r = 0; r < wide.Rows; r++)
                {
                    Gemv.DequantizeRow(wide, r, pr, path);
                    for (int c = 0; c < 16; c++)
                    {
                        Assert.Equal((float)BitConverter.UInt16BitsToHalf(all[(r * 16) + c]), row[c]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Rejects_a_batch_larger_than_the_maximum()
    {
        float[] w = new float[4];
        float[] x = new float[(Gemv.MaxBatch + 1) * 2];
        float[] y = new float[(Gemv.MaxBatch + 1) * 2];
        using var pool = new KernelThreadPool(1);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            fixed (float* pw = w)
            fixed (float* px = x)
            fixed (float* py = y)
            {
                Gemv.Multiply(pool, new WeightMatrix(pw, 2, 2, WeightFormat.F32), px, Gemv.MaxBatch + 1, py);
            }
        });
    }

    private static ushort Narrow(float w, WeightFormat format) =>
        format == WeightFormat.F16 ? BitConverter.HalfToUInt16Bits((Half)w) : KernelTestData.ToBf16(w);

    private static float Widen(ushort h, WeightFormat format) =>
        format == WeightFormat.F16 ? (float)BitConverter.UInt16BitsToHalf(h) : KernelTestData.FromBf16(h);
}
