using Harness.Statistics;

namespace Harness.Metrics;

/// <summary>What one reported metric means, with the names peers use for the same quantity.</summary>
/// <param name="Key">Name in result files, e.g. "tpot_ms".</param>
/// <param name="Unit">ms, tokens/s, requests/s or fraction.</param>
/// <param name="Definition">Exact formula as this harness computes it.</param>
/// <param name="VllmName">vLLM bench serve's name for it, or "-".</param>
/// <param name="GuideLlmName">GuideLLM's name for it, or "-".</param>
internal sealed record MetricDefinition(string Key, string Unit, string Definition, string VllmName, string GuideLlmName)
{
    /// <summary>
    /// A latency has one value per request, in ms, and is summarised by a statistic (p99, mean); every other metric is
    /// a rate over the whole run (a ratio of sums), which takes no statistic.
    /// </summary>
    public bool IsLatency => Unit == "ms";

    /// <summary>Latencies improve downwards, rates (throughput, goodput, attainment) upwards.</summary>
    public MetricDirection Direction => IsLatency ? MetricDirection.LowerIsBetter : MetricDirection.HigherIsBetter;
}
