namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Which instruction path a kernel takes. Every path computes the same result up to float rounding; the narrower
/// ones exist for machines without AVX-512 and so tests can exercise them on machines that have it.
/// </summary>
public enum VectorPath
{
    /// <summary>Vector512 where hardware-accelerated, else the portable path.</summary>
    Auto,

    /// <summary>System.Numerics.Vector&lt;T&gt; (the machine's preferred width: 256-bit on x64, 128-bit on Arm), else scalar.</summary>
    Portable,

    /// <summary>Plain scalar loops.</summary>
    Scalar,
}
