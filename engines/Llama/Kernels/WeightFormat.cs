namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Element encoding of a <see cref="WeightMatrix"/>; kernels dispatch on this value once per call, not per element.
/// </summary>
public enum WeightFormat
{
    /// <summary>IEEE fp32, 4 bytes per element.</summary>
    F32,

    /// <summary>bfloat16 stored as ushort: the upper 16 bits of an fp32, 2 bytes per element.</summary>
    BF16,

    /// <summary>Signed 8-bit integers with one fp32 scale per row (symmetric, per output channel): w = q · scale[row].</summary>
    Int8,
}
