namespace Harness.Metrics;

/// <summary>
/// The registry of reported metrics: the one place each key is spelled. Result files name their fields with these
/// keys and embed the definitions, so a reader used to vLLM or GuideLLM knows which of their numbers each one matches
/// (the two projects swap the meanings of TPOT and ITL; see shared/notes/metrics.md); <c>compare</c>, the regression
/// gates, early stopping and the report read the keys and definitions from here.
/// </summary>
internal static class MetricDefinitions
{
    public const string TtftMs = "ttft_ms";
    public const string TpotMs = "tpot_ms";
    public const string TpotInclFirstMs = "tpot_incl_first_ms";
    public const string ItlMs = "itl_ms";
    public const string E2eMs = "e2e_ms";
    public const string QueueWaitMs = "queue_wait_ms";
    public const string OutputTokensPerS = "output_tokens_per_s";
    public const string TotalTokensPerS = "total_tokens_per_s";
    public const string RequestsPerS = "requests_per_s";
    public const string GoodputRequestsPerS = "goodput_requests_per_s";
    public const string SloAttainment = "slo_attainment";

    /// <summary>Every metric, latencies first, in the order result files and error messages list them.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new(TtftMs, "ms", "first output token time - scheduled send time (client and engine queueing included)", "TTFT", "time_to_first_token"),
        new(TpotMs, "ms", "(e2e - ttft) / (output_tokens - 1), requests with >= 2 output tokens; first token excluded", "TPOT", "ITL (inter_token_latency)"),
        new(TpotInclFirstMs, "ms", "e2e / output_tokens; first token included", "-", "TPOT (time_per_output_token)"),
        new(ItlMs, "ms", "gap between consecutive streamed token timestamps, pooled over requests", "ITL", "-"),
        new(E2eMs, "ms", "last token time (completion time without tokens) - scheduled send time", "E2EL", "request_latency"),
        new(QueueWaitMs, "ms", "engine compute (prefill) start - scheduled send time", "-", "-"),
        new(OutputTokensPerS, "tokens/s", "output tokens of completed requests / duration (first measured scheduled send to last completion)", "output_throughput", "output_tokens_per_second"),
        new(TotalTokensPerS, "tokens/s", "(input + output tokens of completed requests) / duration", "total_token_throughput", "tokens_per_second"),
        new(RequestsPerS, "requests/s", "completed requests / duration", "request_throughput", "requests_per_second"),
        new(GoodputRequestsPerS, "requests/s", "completed requests meeting every set SLO (ttft, tpot, e2e) / duration", "request_goodput", "-"),
        new(SloAttainment, "fraction", "requests meeting every set SLO / measured requests (failed ones count as missing)", "-", "SLO attainment"),
    ];

    public static IEnumerable<MetricDefinition> Latencies => All.Where(d => d.IsLatency);

    public static IEnumerable<MetricDefinition> Rates => All.Where(d => !d.IsLatency);

    public static MetricDefinition? Find(string key) =>
        All.FirstOrDefault(d => string.Equals(d.Key, key, StringComparison.Ordinal));
}
