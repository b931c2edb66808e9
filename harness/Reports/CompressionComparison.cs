using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// The rows of the compression comparison table and chart: every variant that has accuracy figures (quantised, pruned
/// or distilled), with size and decode speed relative to the reference. The reference's weights come from its own build (so a reference that is not a
/// variant still gives a size ratio); its speed only from a variant of the run that is the reference.
/// </summary>
internal static class CompressionComparison
{
    public static IReadOnlyList<CompressionRow> Rows(RunResult result)
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
            return new CompressionRow(
                v.Name,
                Describe(v.Config),
                v.Memory.WeightsBytes,
                referenceBytes > 0 && v.Memory.WeightsBytes > 0 ? (double)v.Memory.WeightsBytes / referenceBytes : null,
                tpot is double t ? 1000 / t : null,
                tpot,
                tpot is double tv && referenceTpot is double tr ? tr / tv : null,
                v.Accuracy!);
        })];
    }

    /// <summary>What makes the variant's model what it is: its precision, its pruning, and its own model when it names one.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var parts = new List<string> { config.GetValueOrDefault("precision") ?? "fp32" };
        if (config.GetValueOrDefault("prune") is { } prune && !prune.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            parts.Add($"pruned {prune}");
        }

        if (config.GetValueOrDefault(Scenarios.EngineVariant.ModelKey) is { } model)
        {
            parts.Add(model);
        }

        return string.Join(", ", parts);
    }

    /// <summary>A variant's TPOT p50, or null when it has none (no completed request with two or more tokens).</summary>
    public static double? TpotP50(VariantResult v) =>
        v.Metrics.TpotMs.Count > 0 && double.IsFinite(v.Metrics.TpotMs.P50) && v.Metrics.TpotMs.P50 > 0 ? v.Metrics.TpotMs.P50 : null;
}
