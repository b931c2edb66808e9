namespace Harness.Comparison;

/// <summary>A variant present in both runs, compared metric by metric.</summary>
/// <param name="Variant">Name shared by both runs.</param>
/// <param name="BaselineCompleted">Completed measured requests in the baseline.</param>
/// <param name="CandidateCompleted">Completed measured requests in the candidate.</param>
/// <param name="BaselineFailed">Failed measured requests in the baseline.</param>
/// <param name="CandidateFailed">Failed measured requests in the candidate.</param>
internal sealed record VariantComparison(
    string Variant,
    int BaselineCompleted,
    int CandidateCompleted,
    int BaselineFailed,
    int CandidateFailed,
    IReadOnlyList<MetricComparison> Metrics)
{
    public MetricComparison? Find(string metric) =>
        Metrics.FirstOrDefault(m => string.Equals(m.Metric, metric, StringComparison.Ordinal));
}
