using System.Numerics;
using System.Runtime.Intrinsics;

namespace Harness.Engines.Llama.Kernels;

/// <summary>The gated MLP activation: out[i] = silu(gate[i]) · up[i], with silu(x) = x / (1 + e^−x).</summary>
public static unsafe class SwiGlu
{
    /// <param name="gate">[intermediate].</param>
    /// <param name="up">[intermediate].</param>
    /// <param name="output">[intermediate]; may be the same memory as gate or up.</param>
    public static void Apply(
        ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> output, VectorPath path = VectorPath.Auto)
    {
        int n = gate.Length;
        if (up.Length != n || output.Length != n)
        {
            throw new ArgumentException($"gate ({n}), up ({up.Length}) and output ({output.Length}) lengths differ");
        }

        SimdLevel level = SimdLevels.Resolve(path);
        fixed (float* pg = gate)
        fixed (float* pu = up)
        fixed (float* po = output)
        {
            int i = 0;
            if (level == SimdLevel.Vector512)
            {
                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    Vector512<float> g = Vector512.Load(pg + i);
                    (g / (Vector512<float>.One + Vector512.Exp(-g)) * Vector512.Load(pu + i)).Store(po + i);
                }
            }
            else if (level == SimdLevel.Vector)
            {
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    Vector<float> g = Vector.Load(pg + i);
                    (g / (Vector<float>.One + Vector.Exp(-g)) * Vector.Load(pu + i)).Store(po + i);
                }
            }

            for (; i < n; i++)
            {
                float g = pg[i];
                po[i] = g / (1f + MathF.Exp(-g)) * pu[i];
            }
        }
    }
}
