using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

/// <summary>Deterministic inputs and bf16 rounding shared by the kernel tests.</summary>
internal static class KernelTestData
{
    public static readonly VectorPath[] AllPaths = [VectorPath.Auto, VectorPath.Portable, VectorPath.Scalar];

    public static float[] Uniform(int n, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return x;
    }

    /// <summary>Round to nearest even, as torch's fp32 → bf16 conversion does.</summary>
    public static ushort ToBf16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    public static float FromBf16(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
