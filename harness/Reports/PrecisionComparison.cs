using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// The rows of the precision comparison table and chart: every variant that has accuracy figures, with size and decode
/// speed relative to the reference. The reference's weights come from its own build (so a reference that is not a
/// variant still gives a size ratio); its speed only from a variant of the run that is the reference.
/// </summary>
internal static class PrecisionComparison
{
    public static IReadOnlyList<PrecisionRow> Rows(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        AccuracySetup? setup = result.Accuracy;
        VariantResult? reference = setup?.ReferenceVariant is string name
            ? result.Variants.FirstOrDefault(v => VariantNames.BaseName(v.Name) == name && v.Error is null)
            : null;
        long referenceBytes = setup?.ReferenceWeightsBytes is > 0 ? setup.ReferenceWeightsBytes : reference?.Memory.WeightsBytes ?? 0;
        double? referenceTpot = reference is null ? null : TpotP50(reference);
        return [.. result.Variants.Where(v => v.Accuracy is not null).Select(v =>
        {
            double? tpot = TpotP50(v);
            return new PrecisionRow(
                v.Name,
                v.Config.GetValueOrDefault("precision") ?? "fp32",
                v.Memory.WeightsBytes,
                referenceBytes > 0 && v.Memory.WeightsBytes > 0 ? (double)v.Memory.WeightsBytes / referenceBytes : null,
                tpot is double t ? 1000 / t : null,
                tpot,
                tpot is double tv && referenceTpot is double tr ? tr / tv : null,
                v.Accuracy!);
        })];
    }

    /// <summary>A variant's TPOT p50, or null when it has none (no completed request with two or more tokens).</summary>
    public static double? TpotP50(VariantResult v) =>
        v.Metrics.TpotMs.Count > 0 && double.IsFinite(v.Metrics.TpotMs.P50) && v.Metrics.TpotMs.P50 > 0 ? v.Metrics.TpotMs.P50 : null;
}
