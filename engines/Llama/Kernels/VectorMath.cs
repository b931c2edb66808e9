using System.Numerics;
using System.Runtime.Intrinsics;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Pointer-level vector primitives shared by the per-token ops and attention, each with the three
/// <see cref="SimdLevel"/> paths. Callers validate lengths; these only loop.
/// </summary>
internal static unsafe class VectorMath
{
    public static float Dot(float* a, float* b, int n, SimdLevel level)
    {
        int i = 0;
        float s = 0;
        if (level == SimdLevel.Vector512)
        {
            Vector512<float> acc0 = default, acc1 = default;
            for (; i <= n - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(
                    Vector512.Load(a + i + Vector512<float>.Count), Vector512.Load(b + i + Vector512<float>.Count), acc1);
            }

            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc0);
            }

            s = Vector512.Sum(acc0 + acc1);
        }
        else if (level == SimdLevel.Vector)
        {
            Vector<float> acc = default;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                acc = Vector.FusedMultiplyAdd(Vector.Load(a + i), Vector.Load(b + i), acc);
            }

            s = Vector.Sum(acc);
        }

        for (; i < n; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    /// <summary>y[i] += a * x[i].</summary>
    public static void Axpy(float* y, float a, float* x, int n, SimdLevel level)
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            Vector512<float> va = Vector512.Create(a);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.FusedMultiplyAdd(va, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
            }
        }
        else if (level == SimdLevel.Vector)
        {
            Vector<float> va = new(a);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.FusedMultiplyAdd(va, Vector.Load(x + i), Vector.Load(y + i)).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] += a * x[i];
        }
    }

    /// <summary>y[i] *= a.</summary>
    public static void Scale(float* y, float a, int n, SimdLevel level)
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            Vector512<float> va = Vector512.Create(a);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                (Vector512.Load(y + i) * va).Store(y + i);
            }
        }
        else if (level == SimdLevel.Vector)
        {
            Vector<float> va = new(a);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                (Vector.Load(y + i) * va).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] *= a;
        }
    }

    /// <summary>r[i] = a[i] + b[i]; r may alias a or b.</summary>
    public static void Add(float* a, float* b, float* r, int n, SimdLevel level)
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                (Vector512.Load(a + i) + Vector512.Load(b + i)).Store(r + i);
            }
        }
        else if (level == SimdLevel.Vector)
        {
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                (Vector.Load(a + i) + Vector.Load(b + i)).Store(r + i);
            }
        }

        for (; i < n; i++)
        {
            r[i] = a[i] + b[i];
        }
    }

    public static float Max(float* x, int n, SimdLevel level)
    {
        int i = 0;
        float m = float.NegativeInfinity;
        if (level == SimdLevel.Vector512 && n >= Vector512<float>.Count)
        {
            Vector512<float> acc = Vector512.Create(float.NegativeInfinity);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                acc = Vector512.Max(acc, Vector512.Load(x + i));
            }

            for (int k = 0; k < Vector512<float>.Count; k++)
            {
                m = MathF.Max(m, acc[k]);
            }
        }
        else if (level == SimdLevel.Vector && n >= Vector<float>.Count)
        {
            Vector<float> acc = new(float.NegativeInfinity);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                acc = Vector.Max(acc, Vector.Load(x + i));
            }

            for (int k = 0; k < Vector<float>.Count; k++)
            {
                m = MathF.Max(m, acc[k]);
            }
        }

        for (; i < n; i++)
        {
            m = MathF.Max(m, x[i]);
        }

        return m;
    }

    /// <summary>x[i] = exp(x[i] - shift); returns Σ x[i] after the update.</summary>
    public static float ExpShiftedSum(float* x, float shift, int n, SimdLevel level)
    {
        int i = 0;
        float s = 0;
        if (level == SimdLevel.Vector512)
        {
            Vector512<float> vs = Vector512.Create(shift);
            Vector512<float> acc = default;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> e = Vector512.Exp(Vector512.Load(x + i) - vs);
                e.Store(x + i);
                acc += e;
            }

            s = Vector512.Sum(acc);
        }
        else if (level == SimdLevel.Vector)
        {
            Vector<float> vs = new(shift);
            Vector<float> acc = default;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> e = Vector.Exp(Vector.Load(x + i) - vs);
                e.Store(x + i);
                acc += e;
            }

            s = Vector.Sum(acc);
        }

        for (; i < n; i++)
        {
            float e = MathF.Exp(x[i] - shift);
            x[i] = e;
            s += e;
        }

        return s;
    }
}
