using System.Numerics;
using System.Runtime.Intrinsics;

namespace Harness.Engines.Llama.Kernels;

/// <summary>Elementwise and reduction helpers on whole vectors for the decode loop.</summary>
public static unsafe class VectorOps
{
    /// <summary>result = a + b; result may be the same memory as a or b (a residual add in place).</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> result, VectorPath path = VectorPath.Auto)
    {
        if (b.Length != a.Length || result.Length != a.Length)
        {
            throw new ArgumentException($"a ({a.Length}), b ({b.Length}) and result ({result.Length}) lengths differ");
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pr = result)
        {
            VectorMath.Add(pa, pb, pr, a.Length, SimdLevels.Resolve(path));
        }
    }

    /// <summary>Index of the largest element, the first one on ties (greedy sampling over logits); 0 if any element is NaN.</summary>
    public static int ArgMax(ReadOnlySpan<float> x, VectorPath path = VectorPath.Auto)
    {
        if (x.IsEmpty)
        {
            throw new ArgumentException("argmax of an empty vector", nameof(x));
        }

        fixed (float* p = x)
        {
            int n = x.Length;
            SimdLevel level = SimdLevels.Resolve(path);
            float max = VectorMath.Max(p, n, level);
            int i = 0;
            if (level == SimdLevel.Vector512)
            {
                Vector512<float> vm = Vector512.Create(max);
                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    if (Vector512.EqualsAny(Vector512.Load(p + i), vm))
                    {
                        break;
                    }
                }
            }
            else if (level == SimdLevel.Vector)
            {
                Vector<float> vm = new(max);
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    if (Vector.EqualsAny(Vector.Load(p + i), vm))
                    {
                        break;
                    }
                }
            }

            for (; i < n; i++)
            {
                if (p[i] == max)
                {
                    return i;
                }
            }

            // Every element is NaN.
            return 0;
        }
    }
}
