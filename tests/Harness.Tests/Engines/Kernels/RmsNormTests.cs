using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

public sealed class RmsNormTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(67)]
    [InlineData(4096)]
    public void Matches_the_formula(int n)
    {
        float[] x = KernelTestData.Uniform(n, seed: n, scale: 3f);
        float[] w = KernelTestData.Uniform(n, seed: n + 1);
        const float Eps = 1e-5f;
        double meanSquare = x.Sum(v => (double)v * v) / n;
        double inv = 1.0 / Math.Sqrt(meanSquare + Eps);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] y = new float[n];
            RmsNorm.Apply(x, w, y, Eps, path);
            for (int i = 0; i < n; i++)
            {
                double expected = x[i] * inv * w[i];
                Assert.True(Math.Abs(y[i] - expected) <= 1e-5 * Math.Abs(expected) + 1e-7, $"{path} [{i}]");
            }
        }
    }

    [Fact]
    public void Works_in_place()
    {
        float[] x = KernelTestData.Uniform(100, seed: 1);
        float[] w = KernelTestData.Uniform(100, seed: 2);
        float[] expected = new float[100];
        RmsNorm.Apply(x, w, expected, 1e-6f);
        RmsNorm.Apply(x, w, x, 1e-6f);
        Assert.Equal(expected, x);
    }
}
