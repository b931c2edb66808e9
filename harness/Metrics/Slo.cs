using System.Text.Json.Serialization;

namespace Harness.Metrics;

/// <summary>Per-request service-level objectives, each named by the metric it bounds; an unset bound is not checked.</summary>
/// <param name="TtftMs">Time to first token bound.</param>
/// <param name="TpotMs">Time per output token bound (first token excluded).</param>
/// <param name="E2eMs">End-to-end latency bound.</param>
internal sealed record Slo(
    [property: JsonPropertyName(MetricDefinitions.TtftMs)] double? TtftMs = null,
    [property: JsonPropertyName(MetricDefinitions.TpotMs)] double? TpotMs = null,
    [property: JsonPropertyName(MetricDefinitions.E2eMs)] double? E2eMs = null)
{
    /// <summary>MLPerf LLM Server limits for llama2-70b (TTFT 2000 ms, TPOT 200 ms).</summary>
    public static Slo MlperfLlama2Server { get; } = new(2000, 200);

    /// <summary>MLPerf LLM interactive limits (TTFT 450 ms, TPOT 40 ms).</summary>
    public static Slo MlperfInteractive { get; } = new(450, 40);

    public bool IsEmpty => TtftMs is null && TpotMs is null && E2eMs is null;

    /// <summary>
    /// A request is good when it completed and meets every bound that is set. A one-token request has no TPOT and so
    /// cannot break a TPOT bound.
    /// </summary>
    public bool IsMetBy(RequestRecord record, RequestMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(metrics);
        return record.Succeeded
            && (TtftMs is not double ttft || metrics.TtftMs <= ttft)
            && (TpotMs is not double tpot || metrics.TpotMs is null || metrics.TpotMs <= tpot)
            && (E2eMs is not double e2e || metrics.E2eMs <= e2e);
    }
}
