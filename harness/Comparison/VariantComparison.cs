using System.Text.Json.Serialization;

namespace Harness.Comparison;

/// <summary>A variant of the baseline compared, metric by metric, with its counterpart in the candidate.</summary>
/// <param name="Variant">Name shared by both runs; for a <c>--pair</c> of differently named variants, the baseline's.</param>
/// <param name="CandidateVariant">The candidate's variant when its name differs from <paramref name="Variant"/>;
/// null (and left out of <c>--json</c>) when variants were matched by name.</param>
/// <param name="BaselineCompleted">Completed measured requests in the baseline.</param>
/// <param name="CandidateCompleted">Completed measured requests in the candidate.</param>
/// <param name="BaselineFailed">Failed measured requests in the baseline.</param>
/// <param name="CandidateFailed">Failed measured requests in the candidate.</param>
internal sealed record VariantComparison(
    string Variant,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CandidateVariant,
    int BaselineCompleted,
    int CandidateCompleted,
    int BaselineFailed,
    int CandidateFailed,
    IReadOnlyList<MetricComparison> Metrics)
{
    /// <summary>How gates and headings name it: the variant, or "BASELINE:CANDIDATE" as <c>--pair</c> spells it.</summary>
    [JsonIgnore]
    public string Label => CandidateVariant is null ? Variant : $"{Variant}:{CandidateVariant}";

    public MetricComparison? Find(string metric) =>
        Metrics.FirstOrDefault(m => string.Equals(m.Metric, metric, StringComparison.Ordinal));
}
