using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

public sealed unsafe class DecodeAttentionTests
{
    public static TheoryData<int, int, int, int, int, float, int> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, float, int>();
        (int Heads, int KvHeads, int HeadDim, int Length, int MaxLength)[] shapes =
        [
            (4, 4, 16, 1, 5),
            (8, 2, 64, 37, 50),
            (6, 3, 20, 129, 130),
            (4, 1, 7, 33, 40),
            (32, 8, 64, 300, 301),
        ];
        foreach ((int heads, int kvHeads, int headDim, int length, int maxLength) in shapes)
        {
            // Sharp scores make the max jump between blocks, which exercises the fused rescaling.
            foreach (float sharpness in new[] { 1f, 8f })
            {
                foreach (int workers in new[] { 1, 2 })
                {
                    data.Add(heads, kvHeads, headDim, length, maxLength, sharpness, workers);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_and_unfused_match_the_reference_and_each_other(
        int heads, int kvHeads, int headDim, int length, int maxLength, float sharpness, int workers)
    {
        var shape = new AttentionShape(heads, kvHeads, headDim);
        float[] q = KernelTestData.Uniform(heads * headDim, seed: 1, scale: sharpness);
        float[] k = KernelTestData.Uniform(kvHeads * maxLength * headDim, seed: 2);
        float[] v = KernelTestData.Uniform(kvHeads * maxLength * headDim, seed: 3);
        double[] expected = Reference(q, k, v, heads, kvHeads, headDim, length, maxLength);

        using var pool = new KernelThreadPool(workers);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] unfused = new float[heads * headDim];
            float[] fused = new float[heads * headDim];
            float[] scores = new float[heads * maxLength];
            fixed (float* pq = q)
            fixed (float* pk = k)
            fixed (float* pv = v)
            fixed (float* pu = unfused)
            fixed (float* pf = fused)
            fixed (float* ps = scores)
            {
                DecodeAttention.Unfused(pool, shape, pq, pk, pv, maxLength, length, pu, ps, path);
                DecodeAttention.Fused(pool, shape, pq, pk, pv, maxLength, length, pf, path);
            }

            for (int i = 0; i < expected.Length; i++)
            {
                // Outputs are convex combinations of V entries in [-1, 1], so an absolute bound is also relative to 1.
                Assert.True(Math.Abs(unfused[i] - expected[i]) <= 1e-5, $"{path} unfused [{i}]: {unfused[i]} vs {expected[i]}");
                Assert.True(Math.Abs(fused[i] - expected[i]) <= 1e-5, $"{path} fused [{i}]: {fused[i]} vs {expected[i]}");
                // 1e-5 relative, floored at 0.1 (the scale of Σ p·|v|): small outputs come from cancellation.
                Assert.True(
                    Math.Abs(fused[i] - unfused[i]) <= 1e-5 * Math.Max(0.1, Math.Abs(unfused[i])),
                    $"{path} fused vs unfused [{i}]: {fused[i]} vs {unfused[i]}");
            }
        }
    }

    [Fact]
    public void Query_heads_read_their_own_kv_group()
    {
        // Each kv head's V rows are all equal to its index, so head h must output h / groupSize everywhere.
        const int Heads = 6, KvHeads = 3, HeadDim = 8, Length = 5, MaxLength = 8;
        var shape = new AttentionShape(Heads, KvHeads, HeadDim);
        float[] q = KernelTestData.Uniform(Heads * HeadDim, seed: 4);
        float[] k = KernelTestData.Uniform(KvHeads * MaxLength * HeadDim, seed: 5);
        float[] v = new float[KvHeads * MaxLength * HeadDim];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = i / (MaxLength * HeadDim);
        }

        float[] output = new float[Heads * HeadDim];
        using var pool = new KernelThreadPool(2);
        fixed (float* pq = q)
        fixed (float* pk = k)
        fixed (float* pv = v)
        fixed (float* po = output)
        {
            DecodeAttention.Fused(pool, shape, pq, pk, pv, MaxLength, Length, po);
        }

        for (int h = 0; h < Heads; h++)
        {
            for (int d = 0; d < HeadDim; d++)
            {
                Assert.Equal(h / (Heads / KvHeads), output[(h * HeadDim) + d], 1e-5);
            }
        }
    }

    private static double[] Reference(
        float[] q, float[] k, float[] v, int heads, int kvHeads, int headDim, int length, int maxLength)
    {
        double[] output = new double[heads * headDim];
        double scale = 1 / Math.Sqrt(headDim);
        for (int h = 0; h < heads; h++)
        {
            int kv = h / (heads / kvHeads);
            double[] scores = new double[length];
            for (int t = 0; t < length; t++)
            {
                double s = 0;
                for (int d = 0; d < headDim; d++)
                {
                    s += (double)q[(h * headDim) + d] * k[(((kv * maxLength) + t) * headDim) + d];
                }

                scores[t] = s * scale;
            }

            double max = scores.Max();
            double sum = scores.Sum(s => Math.Exp(s - max));
            for (int t = 0; t < length; t++)
            {
                double p = Math.Exp(scores[t] - max) / sum;
                for (int d = 0; d < headDim; d++)
                {
                    output[(h * headDim) + d] += p * v[(((kv * maxLength) + t) * headDim) + d];
                }
            }
        }

        return output;
    }
}
