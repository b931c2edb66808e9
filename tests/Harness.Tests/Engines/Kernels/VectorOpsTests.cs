using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

public sealed class VectorOpsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(67)]
    public void Add_is_exact_and_works_in_place(int n)
    {
        float[] a = KernelTestData.Uniform(n, seed: 1);
        float[] b = KernelTestData.Uniform(n, seed: 2);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] r = (float[])a.Clone();
            VectorOps.Add(r, b, r, path);
            Assert.Equal(a.Zip(b, (x, y) => x + y), r);
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(67, 66)]
    [InlineData(1000, 3)]
    [InlineData(32000, 31999)]
    [InlineData(32000, 16)]
    public void ArgMax_finds_the_first_maximum(int n, int at)
    {
        float[] x = KernelTestData.Uniform(n, seed: n);
        x[at] = 5f;
        if (at + 1 < n)
        {
            x[n - 1] = 5f;
        }

        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            Assert.Equal(at, VectorOps.ArgMax(x, path));
        }
    }

    [Fact]
    public void ArgMax_handles_all_negative_infinity()
    {
        Assert.Equal(0, VectorOps.ArgMax(Enumerable.Repeat(float.NegativeInfinity, 40).ToArray()));
    }
}
