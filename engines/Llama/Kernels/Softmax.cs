namespace Harness.Engines.Llama.Kernels;

/// <summary>Numerically stable softmax (max subtracted before exp), in place.</summary>
public static unsafe class Softmax
{
    public static void InPlace(Span<float> x, VectorPath path = VectorPath.Auto)
    {
        if (x.IsEmpty)
        {
            return;
        }

        fixed (float* p = x)
        {
            InPlace(p, x.Length, SimdLevels.Resolve(path));
        }
    }

    internal static void InPlace(float* x, int n, SimdLevel level)
    {
        float max = VectorMath.Max(x, n, level);
        float sum = VectorMath.ExpShiftedSum(x, max, n, level);
        VectorMath.Scale(x, 1f / sum, n, level);
    }
}
