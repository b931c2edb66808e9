using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>Summary of one latency distribution in milliseconds.</summary>
internal sealed record Percentiles(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p90")] double P90,
    [property: JsonPropertyName("p95")] double P95,
    [property: JsonPropertyName("p99")] double P99,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("std")] double Std);
