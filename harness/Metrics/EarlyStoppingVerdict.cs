using System.Text.Json.Serialization;

namespace Harness.Metrics;

/// <summary>
/// Whether a run has enough samples to claim "p-th percentile of a metric &lt;= bound" (MLPerf early stopping), as
/// written to <c>variants[].validity</c>.
/// </summary>
/// <param name="Metric">A <see cref="MetricDefinitions"/> key, e.g. "ttft_ms".</param>
/// <param name="Percentile">Target percentile as a fraction (0.99).</param>
/// <param name="BoundMs">The SLO bound judged against; null without an SLO, when the bound is the measured percentile
/// and the verdict only says whether the run has enough samples to report it (no bound is claimed).</param>
/// <param name="Samples">n: samples considered.</param>
/// <param name="Overlatency">t: samples above the bound.</param>
/// <param name="MinimumSamples">Fewest samples with which t overlatency samples would still give a valid claim.</param>
/// <param name="Valid">Whether the claim holds at the confidence asked for.</param>
/// <param name="ConservativeEstimateMs">The percentile estimate LoadGen reports (latency at rank n - t*), or null when n is too small.</param>
internal sealed record EarlyStoppingVerdict(
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("percentile")] double Percentile,
    [property: JsonPropertyName("bound_ms")] double? BoundMs,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("over_bound")] long Overlatency,
    [property: JsonPropertyName("minimum_samples")] long MinimumSamples,
    [property: JsonPropertyName("valid")] bool Valid,
    [property: JsonPropertyName("conservative_estimate_ms")] double? ConservativeEstimateMs);
