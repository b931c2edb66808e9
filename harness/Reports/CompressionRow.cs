using Harness.Results;

namespace Harness.Reports;

/// <summary>One variant in the compression comparison: its size and speed beside its accuracy, each relative to the reference.</summary>
/// <param name="Variant">Variant (or load point) name.</param>
/// <param name="Compression">Its precision (fp32 when unset), pruning and own model, as <see cref="CompressionComparison.Describe"/> writes them.</param>
/// <param name="WeightsBytes">Weights as the engine holds them; 0 when not reported.</param>
/// <param name="SizeRatio">Weights / the reference's weights, or null.</param>
/// <param name="DecodeTokensPerS">Per-sequence decode speed: 1000 / TPOT p50 (first token excluded), or null without a TPOT.</param>
/// <param name="TpotP50Ms">TPOT p50 in ms, or null.</param>
/// <param name="Speedup">The reference's TPOT p50 / this variant's, or null when the reference ran no load.</param>
/// <param name="Accuracy">The variant's accuracy figures.</param>
internal sealed record CompressionRow(
    string Variant,
    string Compression,
    long WeightsBytes,
    double? SizeRatio,
    double? DecodeTokensPerS,
    double? TpotP50Ms,
    double? Speedup,
    VariantAccuracy Accuracy);
