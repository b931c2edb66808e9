using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>
/// A variant's latency distributions and rates over its measured (non-warm-up) requests. <see cref="TpotMs"/> excludes
/// the first token (vLLM's TPOT); <see cref="TpotInclFirstMs"/> is E2E / output tokens (GuideLLM's TPOT), kept so
/// figures can be set beside either peer's without converting.
/// </summary>
internal sealed record VariantMetrics(
    [property: JsonPropertyName("ttft_ms")] Percentiles TtftMs,
    [property: JsonPropertyName("tpot_ms")] Percentiles TpotMs,
    [property: JsonPropertyName("itl_ms")] Percentiles ItlMs,
    [property: JsonPropertyName("e2e_ms")] Percentiles E2eMs,
    [property: JsonPropertyName("queue_wait_ms")] Percentiles QueueWaitMs,
    [property: JsonPropertyName("output_tokens_per_s")] double OutputTokensPerS,
    [property: JsonPropertyName("total_tokens_per_s")] double TotalTokensPerS,
    [property: JsonPropertyName("requests_per_s")] double RequestsPerS,
    [property: JsonPropertyName("goodput_requests_per_s")] double? GoodputRequestsPerS,
    [property: JsonPropertyName("slo_attainment")] double? SloAttainment,
    [property: JsonPropertyName("measured")] int Measured,
    [property: JsonPropertyName("completed")] int Completed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("warmup_excluded")] int WarmupExcluded,
    [property: JsonPropertyName("duration_s")] double DurationS,
    [property: JsonPropertyName("tpot_incl_first_ms")] Percentiles? TpotInclFirstMs = null);
