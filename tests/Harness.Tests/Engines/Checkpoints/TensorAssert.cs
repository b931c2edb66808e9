using static TorchSharp.torch;

namespace Harness.Tests.Engines.Checkpoints;

internal static class TensorAssert
{
    /// <summary>Same dtype, shape and bytes (bit-identical, so NaN payloads and -0 count).</summary>
    public static bool BitEqual(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.AsSpan().SequenceEqual(b.shape))
        {
            return false;
        }

        using Tensor ca = a.contiguous();
        using Tensor cb = b.contiguous();
        return ca.bytes.SequenceEqual(cb.bytes);
    }
}
