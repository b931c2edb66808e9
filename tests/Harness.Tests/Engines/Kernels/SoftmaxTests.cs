using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

public sealed class SoftmaxTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(1001)]
    public void Matches_the_formula_even_for_large_logits(int n)
    {
        float[] logits = KernelTestData.Uniform(n, seed: n, scale: 80f);
        double max = logits.Max();
        double sum = logits.Sum(v => Math.Exp(v - max));
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] p = (float[])logits.Clone();
            Softmax.InPlace(p, path);
            for (int i = 0; i < n; i++)
            {
                double expected = Math.Exp(logits[i] - max) / sum;
                Assert.True(Math.Abs(p[i] - expected) <= 1e-5 * expected + 1e-30, $"{path} [{i}]: {p[i]} vs {expected}");
            }
        }
    }
}
