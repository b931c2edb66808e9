namespace Harness.Reports;

/// <summary>One variant's speed against its TP 1 partner (the variant with the same other options at the same load).</summary>
/// <param name="Variant">Variant (or load point) name.</param>
/// <param name="Size">Its tensor-parallel size.</param>
/// <param name="Baseline">The TP 1 partner's name (itself at TP 1), or null when the run has none.</param>
/// <param name="DecodeMsPerStep">Mean wall ms per decode step, or null when no decode step was profiled.</param>
/// <param name="DecodeSpeedup">The partner's ms per decode step / this variant's, or null.</param>
/// <param name="TpotP50Ms">TPOT p50, or null.</param>
/// <param name="TpotSpeedup">The partner's TPOT p50 / this variant's, or null.</param>
internal sealed record TensorParallelScalingRow(
    string Variant,
    int Size,
    string? Baseline,
    double? DecodeMsPerStep,
    double? DecodeSpeedup,
    double? TpotP50Ms,
    double? TpotSpeedup)
{
    /// <summary>Decode speedup / size: 1 is perfect scaling.</summary>
    public double? DecodeEfficiency => DecodeSpeedup / Size;

    /// <summary>TPOT speedup / size.</summary>
    public double? TpotEfficiency => TpotSpeedup / Size;
}
