using System.Numerics;
using System.Runtime.Intrinsics;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Rotary position embedding for one position, applied in place to every head of a q or k vector. The caller
/// precomputes cos/sin of (position · frequency_i) for i in [0, headDim/2), so scaling schemes (linear, llama3, YaRN)
/// only change the tables, not this kernel.
/// </summary>
public static unsafe class Rope
{
    /// <param name="x">[heads, headDim], rotated in place.</param>
    /// <param name="cos">[headDim/2].</param>
    /// <param name="sin">[headDim/2].</param>
    public static void Apply(
        Span<float> x,
        int heads,
        int headDim,
        ReadOnlySpan<float> cos,
        ReadOnlySpan<float> sin,
        RopeLayout layout,
        VectorPath path = VectorPath.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        if (headDim % 2 != 0)
        {
            throw new ArgumentException($"headDim must be even, got {headDim}", nameof(headDim));
        }

        int half = headDim / 2;
        if (x.Length != heads * headDim || cos.Length != half || sin.Length != half)
        {
            throw new ArgumentException(
                $"expected x [{heads}x{headDim}] and cos/sin [{half}], got {x.Length}, {cos.Length}, {sin.Length}");
        }

        SimdLevel level = SimdLevels.Resolve(path);
        fixed (float* px = x)
        fixed (float* pc = cos)
        fixed (float* ps = sin)
        {
            for (int h = 0; h < heads; h++)
            {
                float* head = px + ((nint)h * headDim);
                switch (layout)
                {
                    case RopeLayout.HalfSplit:
                        HalfSplit(head, pc, ps, half, level);
                        break;
                    case RopeLayout.AdjacentPairs:
                        AdjacentPairs(head, pc, ps, half, level);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown RoPE layout");
                }
            }
        }
    }

    // (a, b) = (x[i], x[i + half]) → (a·cos − b·sin, b·cos + a·sin).
    private static void HalfSplit(float* head, float* cos, float* sin, int half, SimdLevel level)
    {
        float* upper = head + half;
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            for (; i <= half - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> a = Vector512.Load(head + i), b = Vector512.Load(upper + i);
                Vector512<float> c = Vector512.Load(cos + i), s = Vector512.Load(sin + i);
                ((a * c) - (b * s)).Store(head + i);
                ((b * c) + (a * s)).Store(upper + i);
            }
        }
        else if (level == SimdLevel.Vector)
        {
            for (; i <= half - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> a = Vector.Load(head + i), b = Vector.Load(upper + i);
                Vector<float> c = Vector.Load(cos + i), s = Vector.Load(sin + i);
                ((a * c) - (b * s)).Store(head + i);
                ((b * c) + (a * s)).Store(upper + i);
            }
        }

        for (; i < half; i++)
        {
            float a = head[i], b = upper[i];
            head[i] = (a * cos[i]) - (b * sin[i]);
            upper[i] = (b * cos[i]) + (a * sin[i]);
        }
    }

    // (a, b) = (x[2i], x[2i + 1]) → (a·cos − b·sin, b·cos + a·sin). The vector path works on 8 pairs per register:
    // it swaps each pair and multiplies by the table values duplicated per pair, with sin negated on the even lanes.
    private static void AdjacentPairs(float* head, float* cos, float* sin, int half, SimdLevel level)
    {
        int i = 0;
        if (level == SimdLevel.Vector512)
        {
            const int Pairs = 8;
            Vector512<int> duplicate = Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
            Vector512<int> swap = Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
            Vector512<float> signs = Vector512.Create(-1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f);
            for (; i <= half - Pairs; i += Pairs)
            {
                Vector512<float> v = Vector512.Load(head + (2 * i));
                Vector512<float> c = Vector512.Shuffle(Vector256.Load(cos + i).ToVector512Unsafe(), duplicate);
                Vector512<float> s = Vector512.Shuffle(Vector256.Load(sin + i).ToVector512Unsafe(), duplicate) * signs;
                ((v * c) + (Vector512.Shuffle(v, swap) * s)).Store(head + (2 * i));
            }
        }

        for (; i < half; i++)
        {
            float a = head[2 * i], b = head[(2 * i) + 1];
            head[2 * i] = (a * cos[i]) - (b * sin[i]);
            head[(2 * i) + 1] = (b * cos[i]) + (a * sin[i]);
        }
    }
}
