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

    /// <summary>IEEE fp16 stored as ushort, 2 bytes per element, widened to fp32 for the arithmetic.</summary>
    F16,

    /// <summary>Signed 8-bit integers with one fp32 scale per row (symmetric, per output channel): w = q · scale[row].</summary>
    Int8,

    /// <summary>
    /// Signed 4-bit integers in groups of <see cref="WeightMatrix.GroupSize"/> columns (32, 64 or 128), each group with
    /// its own fp32 scale: w = q · scale[group]; see <see cref="Int4Layout"/> for the bytes.
    /// </summary>
    Int4,
}
