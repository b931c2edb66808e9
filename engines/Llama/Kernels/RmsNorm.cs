using System.Numerics;
using System.Runtime.Intrinsics;

namespace Harness.Engines.Llama.Kernels;

/// <summary>Root-mean-square layer norm of one hidden vector: y = x / sqrt(mean(x²) + eps) · w.</summary>
public static unsafe class RmsNorm
{
    /// <param name="x">[hidden].</param>
    /// <param name="weight">[hidden] fp32 gain.</param>
    /// <param name="output">[hidden]; may be the same memory as <paramref name="x"/>.</param>
    public static void Apply(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> output, float eps, VectorPath path = VectorPath.Auto)
    {
        int n = x.Length;
        if (weight.Length != n || output.Length != n)
        {
            throw new ArgumentException($"x ({n}), weight ({weight.Length}) and output ({output.Length}) lengths differ");
        }

        SimdLevel level = SimdLevels.Resolve(path);
        fixed (float* px = x)
        fixed (float* pw = weight)
        fixed (float* py = output)
        {
            // Accumulated in double: hidden sizes reach 8192 and the mean of squares feeds every output element.
            double sumSquares = SumSquares(px, n, level);
            float inv = (float)(1.0 / Math.Sqrt((sumSquares / n) + eps));
            int i = 0;
            if (level == SimdLevel.Vector512)
            {
                Vector512<float> vi = Vector512.Create(inv);
                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    (Vector512.Load(px + i) * vi * Vector512.Load(pw + i)).Store(py + i);
                }
            }
            else if (level == SimdLevel.Vector)
            {
                Vector<float> vi = new(inv);
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    (Vector.Load(px + i) * vi * Vector.Load(pw + i)).Store(py + i);
                }
            }

            for (; i < n; i++)
            {
                py[i] = px[i] * inv * pw[i];
            }
        }
    }

    private static double SumSquares(float* x, int n, SimdLevel level)
    {
        int i = 0;
        double s = 0;
        if (level == SimdLevel.Vector512)
        {
            Vector512<double> acc = default;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.Load(x + i);
                (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(v);
                acc = Vector512.FusedMultiplyAdd(lo, lo, acc);
                acc = Vector512.FusedMultiplyAdd(hi, hi, acc);
            }

            s = Vector512.Sum(acc);
        }
        else if (level == SimdLevel.Vector)
        {
            Vector<double> acc = default;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.Load(x + i), out Vector<double> lo, out Vector<double> hi);
                acc = Vector.FusedMultiplyAdd(lo, lo, acc);
                acc = Vector.FusedMultiplyAdd(hi, hi, acc);
            }

            s = Vector.Sum(acc);
        }

        for (; i < n; i++)
        {
            s += (double)x[i] * x[i];
        }

        return s;
    }
}
