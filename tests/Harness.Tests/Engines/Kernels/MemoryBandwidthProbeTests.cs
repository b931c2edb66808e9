using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

public sealed unsafe class MemoryBandwidthProbeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Measure_returns_positive_finite_numbers_and_its_settings(int workers)
    {
        using var pool = new KernelThreadPool(workers);
        MemoryBandwidth result = MemoryBandwidthProbe.Measure(pool, arrayBytes: 64 * 1024, repetitions: 3);

        foreach (double gbps in new[] { result.TriadBestGBps, result.TriadMedianGBps, result.ReadBestGBps, result.ReadMedianGBps })
        {
            Assert.True(double.IsFinite(gbps) && gbps > 0, $"bandwidth {gbps}");
        }

        Assert.True(result.TriadBestGBps >= result.TriadMedianGBps);
        Assert.Equal(64 * 1024, result.ArrayBytes);
        Assert.Equal(workers, result.Threads);
        Assert.Equal(3, result.Repetitions);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5000)]
    [InlineData(2, 1027)]
    public void Triad_and_sum_are_numerically_correct(int workers, int n)
    {
        float[] a = new float[n];
        float[] b = KernelTestData.Uniform(n, seed: 1);
        float[] c = KernelTestData.Uniform(n, seed: 2);
        using var pool = new KernelThreadPool(workers);
        double sum;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            MemoryBandwidthProbe.Triad(pool, pa, pb, pc, n, 3f);
            sum = MemoryBandwidthProbe.Sum(pool, pb, n);
        }

        for (int i = 0; i < n; i++)
        {
            Assert.Equal(b[i] + (3.0 * c[i]), a[i], 1e-6);
        }

        Assert.Equal(b.Sum(x => (double)x), sum, 1e-3);
    }
}
