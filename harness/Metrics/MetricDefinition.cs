namespace Harness.Metrics;

/// <summary>What one reported metric means, with the names peers use for the same quantity.</summary>
/// <param name="Key">Name in result files, e.g. "tpot_ms".</param>
/// <param name="Unit">ms, tokens/s, requests/s or fraction.</param>
/// <param name="Definition">Exact formula as this harness computes it.</param>
/// <param name="VllmName">vLLM bench serve's name for it, or "-".</param>
/// <param name="GuideLlmName">GuideLLM's name for it, or "-".</param>
internal sealed record MetricDefinition(string Key, string Unit, string Definition, string VllmName, string GuideLlmName);
