namespace Harness.Metrics;

/// <summary>
/// The definitions embedded in every result file, so a reader used to vLLM or GuideLLM knows which of their numbers
/// each one matches (the two projects swap the meanings of TPOT and ITL; see shared/notes/metrics.md).
/// </summary>
internal static class MetricDefinitions
{
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new("ttft_ms", "ms", "first output token time - scheduled send time (client and engine queueing included)", "TTFT", "time_to_first_token"),
        new("tpot_ms", "ms", "(e2e - ttft) / (output_tokens - 1), requests with >= 2 output tokens; first token excluded", "TPOT", "ITL (inter_token_latency)"),
        new("tpot_incl_first_ms", "ms", "e2e / output_tokens; first token included", "-", "TPOT (time_per_output_token)"),
        new("itl_ms", "ms", "gap between consecutive streamed token timestamps, pooled over requests", "ITL", "-"),
        new("e2e_ms", "ms", "last token time (completion time without tokens) - scheduled send time", "E2EL", "request_latency"),
        new("queue_wait_ms", "ms", "engine compute (prefill) start - scheduled send time", "-", "-"),
        new("output_tokens_per_s", "tokens/s", "output tokens of completed requests / duration (first measured scheduled send to last completion)", "output_throughput", "output_tokens_per_second"),
        new("total_tokens_per_s", "tokens/s", "(input + output tokens of completed requests) / duration", "total_token_throughput", "tokens_per_second"),
        new("requests_per_s", "requests/s", "completed requests / duration", "request_throughput", "requests_per_second"),
        new("goodput_requests_per_s", "requests/s", "completed requests meeting every set SLO (ttft, tpot, e2e) / duration", "request_goodput", "-"),
        new("slo_attainment", "fraction", "requests meeting every set SLO / measured requests (failed ones count as missing)", "-", "SLO attainment"),
    ];

    public static MetricDefinition? Find(string key) =>
        All.FirstOrDefault(d => string.Equals(d.Key, key, StringComparison.Ordinal));
}
