using System.Numerics;
using System.Runtime.Intrinsics;

namespace Harness.Engines.Llama.Kernels;

/// <summary>The instruction path a <see cref="VectorPath"/> request resolves to on this machine.</summary>
internal enum SimdLevel
{
    Scalar,
    Vector,
    Vector512,
}

internal static class SimdLevels
{
    public static SimdLevel Resolve(VectorPath path) => path switch
    {
        VectorPath.Auto when Vector512.IsHardwareAccelerated => SimdLevel.Vector512,
        VectorPath.Auto or VectorPath.Portable when Vector.IsHardwareAccelerated => SimdLevel.Vector,
        _ => SimdLevel.Scalar,
    };
}
