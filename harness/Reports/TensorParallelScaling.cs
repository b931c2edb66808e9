using System.Globalization;
using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// Speedup and efficiency of each tensor-parallel variant against TP 1. A variant's partner is the variant that
/// differs from it only in <c>tp</c> (every other option equal), is TP 1 and ran at the same load point, so the two
/// saw the same load; without one there is no figure, never a guess.
/// </summary>
internal static class TensorParallelScaling
{
    /// <summary>Engine option keys that set the tensor-parallel size: the name and alias the Llama engine declares.</summary>
    public static IReadOnlyList<string> SizeKeys { get; } = ["tp", "tensor_parallel"];

    /// <summary>One row per variant with a tensor-parallel profile, in run order.</summary>
    public static IReadOnlyList<TensorParallelScalingRow> Rows(IReadOnlyList<VariantResult> variants)
    {
        ArgumentNullException.ThrowIfNull(variants);
        List<VariantResult> baselines = [.. variants.Where(v => v.Error is null && Size(v) == 1)];
        return [.. variants.Where(v => v.TensorParallel is not null).Select(v =>
        {
            VariantResult? partner = baselines.FirstOrDefault(b => b.LoadPoint == v.LoadPoint && SameOtherOptions(b.Config, v.Config));
            double? ms = DecodeMsPerStep(v);
            double? tpot = CompressionComparison.TpotP50(v);
            return new TensorParallelScalingRow(
                v.Name,
                Size(v),
                partner?.Name,
                ms,
                partner is null ? null : DecodeMsPerStep(partner) / ms,
                tpot,
                partner is null ? null : CompressionComparison.TpotP50(partner) / tpot);
        })];
    }

    /// <summary>
    /// Whether the run's tensor-parallel figures say anything: some variant is split over more than one rank (a TP 1
    /// baseline beside it stays in the tables). An engine that profiles a single rank too would otherwise fill the
    /// report with tables of zero communication.
    /// </summary>
    public static bool AnySplit(IEnumerable<VariantResult> variants)
    {
        ArgumentNullException.ThrowIfNull(variants);
        return variants.Any(v => Size(v) > 1);
    }

    /// <summary>The size the engine reported, else the one the options asked for (1 when they set none).</summary>
    public static int Size(VariantResult v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.TensorParallel is { } p)
        {
            return p.Size;
        }

        foreach (string key in SizeKeys)
        {
            if (v.Config.TryGetValue(key, out string? value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int size))
            {
                return size;
            }
        }

        return 1;
    }

    private static double? DecodeMsPerStep(VariantResult v) =>
        v.TensorParallel?.Decode is { WallMsPerPass: > 0 } d ? d.WallMsPerPass : null;

    private static bool SameOtherOptions(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        Dictionary<string, string> Others(IReadOnlyDictionary<string, string> c) =>
            c.Where(kv => !SizeKeys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Dictionary<string, string> x = Others(a);
        Dictionary<string, string> y = Others(b);
        return x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out string? value) && value == kv.Value);
    }
}
