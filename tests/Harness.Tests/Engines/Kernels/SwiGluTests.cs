using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

public sealed class SwiGluTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(1000)]
    public void Matches_silu_times_up(int n)
    {
        float[] gate = KernelTestData.Uniform(n, seed: n, scale: 12f);
        float[] up = KernelTestData.Uniform(n, seed: n + 1, scale: 2f);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] output = new float[n];
            SwiGlu.Apply(gate, up, output, path);
            for (int i = 0; i < n; i++)
            {
                double expected = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
                Assert.True(Math.Abs(output[i] - expected) <= 1e-5 * Math.Abs(expected) + 1e-7, $"{path} [{i}]");
            }
        }
    }
}
