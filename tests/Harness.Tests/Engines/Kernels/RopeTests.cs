using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;

namespace Harness.Tests.Engines.Kernels;

public sealed class RopeTests
{
    [Theory]
    [InlineData(RopeLayout.HalfSplit, 1, 2, 0)]
    [InlineData(RopeLayout.HalfSplit, 3, 10, 5)]
    [InlineData(RopeLayout.HalfSplit, 4, 64, 17)]
    [InlineData(RopeLayout.HalfSplit, 2, 128, 1000)]
    [InlineData(RopeLayout.AdjacentPairs, 1, 2, 0)]
    [InlineData(RopeLayout.AdjacentPairs, 3, 10, 5)]
    [InlineData(RopeLayout.AdjacentPairs, 4, 64, 17)]
    [InlineData(RopeLayout.AdjacentPairs, 2, 128, 1000)]
    public void Matches_the_rotation_formula_and_preserves_norms(RopeLayout layout, int heads, int headDim, int position)
    {
        int half = headDim / 2;
        float[] cos = new float[half], sin = new float[half];
        double[] angle = new double[half];
        for (int i = 0; i < half; i++)
        {
            angle[i] = position * Math.Pow(10000, -2.0 * i / headDim);
            cos[i] = (float)Math.Cos(angle[i]);
            sin[i] = (float)Math.Sin(angle[i]);
        }

        float[] original = KernelTestData.Uniform(heads * headDim, seed: headDim + position);
        foreach (VectorPath path in KernelTestData.AllPaths)
        {
            float[] x = (float[])original.Clone();
            Rope.Apply(x, heads, headDim, cos, sin, layout, path);
            for (int h = 0; h < heads; h++)
            {
                int b = h * headDim;
                for (int i = 0; i < half; i++)
                {
                    (int first, int second) = layout == RopeLayout.HalfSplit ? (b + i, b + i + half) : (b + (2 * i), b + (2 * i) + 1);
                    double c = Math.Cos(angle[i]), s = Math.Sin(angle[i]);
                    double e0 = (original[first] * c) - (original[second] * s);
                    double e1 = (original[second] * c) + (original[first] * s);
                    Assert.Equal(e0, x[first], 1e-5);
                    Assert.Equal(e1, x[second], 1e-5);
                }

                double before = Norm(original.AsSpan(b, headDim)), after = Norm(x.AsSpan(b, headDim));
                Assert.True(Math.Abs(before - after) <= 1e-5 * before, $"{path}: norm {before} became {after}");
            }
        }
    }

    [Fact]
    public void Position_zero_is_the_identity()
    {
        float[] x = KernelTestData.Uniform(2 * 32, seed: 5);
        float[] y = (float[])x.Clone();
        Rope.Apply(y, 2, 32, Enumerable.Repeat(1f, 16).ToArray(), new float[16], RopeLayout.AdjacentPairs);
        Assert.Equal(x, y);
    }

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float f in v)
        {
            s += (double)f * f;
        }

        return Math.Sqrt(s);
    }
}
