using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>Whether "p-th percentile of a metric <= bound" may be claimed, by MLPerf LoadGen's early-stopping rule.</summary>
internal sealed record ValidityResult(
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("percentile")] double Percentile,
    [property: JsonPropertyName("bound_ms")] double? BoundMs,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("over_bound")] long OverBound,
    [property: JsonPropertyName("minimum_samples")] long MinimumSamples,
    [property: JsonPropertyName("valid")] bool Valid,
    [property: JsonPropertyName("conservative_estimate_ms")] double? ConservativeEstimateMs);
