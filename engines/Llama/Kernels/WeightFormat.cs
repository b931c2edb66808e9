namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Element encoding of a <see cref="WeightMatrix"/>. Quantised formats (int8/int4 with per-block scales) will be added
/// as further members; kernels dispatch on this value once per call, not per element.
/// </summary>
public enum WeightFormat
{
    /// <summary>IEEE fp32, 4 bytes per element.</summary>
    F32,

    /// <summary>bfloat16 stored as ushort: the upper 16 bits of an fp32, 2 bytes per element.</summary>
    BF16,
}
