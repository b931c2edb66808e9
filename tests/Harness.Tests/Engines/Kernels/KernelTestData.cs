using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

/// <summary>Deterministic inputs and bf16 rounding shared by the kernel tests.</summary>
internal static class KernelTestData
{
    public static readonly VectorPath[] AllPaths = [VectorPath.Auto, VectorPath.Portable, VectorPath.Scalar];

    public static float[] Uniform(int n, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return x;
    }

    /// <summary>Round to nearest even, as torch's fp32 → bf16 conversion does.</summary>
    public static ushort ToBf16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    public static float FromBf16(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>
    /// Checks a GEMV result y [batch, rows] against a double-precision W·x (+ bias) (+ initialY), within
    /// <paramref name="tolerance"/> of Σ|terms| per output: only the summation order may differ.
    /// </summary>
    public static void AssertGemv(
        float[] weights, float[] x, float[]? bias, float[]? initialY, float[] y, int rows, int cols, int batch, double tolerance, string context)
    {
        for (int j = 0; j < batch; j++)
        {
            for (int r = 0; r < rows; r++)
            {
                double expected = 0, scale = 0;
                for (int c = 0; c < cols; c++)
                {
                    double product = (double)weights[(r * cols) + c] * x[(j * cols) + c];
                    expected += product;
                    scale += Math.Abs(product);
                }

                foreach (float extra in new[] { bias?[r], initialY?[(j * rows) + r] }.OfType<float>())
                {
                    expected += extra;
                    scale += Math.Abs(extra);
                }

                double actual = y[(j * rows) + r];
                Assert.True(Math.Abs(actual - expected) <= (tolerance * scale) + 1e-7, $"{context}, y[{j},{r}] = {actual}, expected {expected}");
            }
        }
    }

    /// <summary>
    /// Continuous batching must reproduce single-stream outputs exactly: every vector's result from one call over a
    /// full batch must equal, bit for bit, its result alone. x is [Gemv.MaxBatch, matrix.Cols].
    /// </summary>
    public static unsafe void AssertBatchInvariant(in WeightMatrix matrix, float[] x, float[]? bias = null)
    {
        int rows = matrix.Rows, cols = matrix.Cols, batch = Gemv.MaxBatch;
        float[] batched = new float[batch * rows];
        float[] single = new float[rows];
        using var pool = new KernelThreadPool(2);
        fixed (float* px = x)
        fixed (float* pbias = bias)
        fixed (float* pBatched = batched)
        fixed (float* pSingle = single)
        {
            Gemv.Multiply(pool, matrix, px, batch, pBatched, pbias);
            for (int j = 0; j < batch; j++)
            {
                Gemv.Multiply(pool, matrix, px + (j * cols), 1, pSingle, pbias);
                for (int r = 0; r < rows; r++)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(single[r]) == BitConverter.SingleToInt32Bits(batched[(j * rows) + r]),
                        $"{matrix.Format} row {r} vector {j}: {single[r]} alone vs {batched[(j * rows) + r]} in a batch");
                }
            }
        }
    }
}
