using System.Text.Json.Serialization;
using Harness.Engines;

namespace Harness.Metrics;

/// <summary>
/// What a variant's KV cache and scheduler did over its measured load runs (<c>variants[].kv</c>, present only when the
/// engine reported telemetry), from the engine's per-step samples and request events. Waste is memory set aside for
/// sequences but holding no token: a contiguous cache wastes the unused tail of every preallocated context, a paged
/// cache only the unfilled part of each sequence's last block.
/// </summary>
/// <param name="KvLayout">"contiguous" or "paged", as the engine reported it.</param>
/// <param name="BlockSize">Token slots per KV block (paged), or the per-sequence context (contiguous).</param>
/// <param name="BytesPerToken">K and V of one token over all layers.</param>
/// <param name="CapacityBytes">The largest KV budget any step reported.</param>
/// <param name="PeakUsedBytes">The most bytes holding stored tokens at the end of any step.</param>
/// <param name="PeakAllocatedBytes">The most bytes set aside for running sequences at the end of any step.</param>
/// <param name="WastePercent">100 (1 - sum used / sum allocated) over steps with an allocation, so each step counts by the memory it held; null when no step allocated any.</param>
/// <param name="WastePercentAtPeak">100 (1 - used / allocated) at the first step with the largest allocation; null when none allocated any.</param>
/// <param name="Preemptions">Preempted events: sequences whose KV memory was taken back to be recomputed later.</param>
/// <param name="PrefixCacheHitRate">Prompt tokens served from the prefix cache / tokens looked up; null when nothing was looked up.</param>
/// <param name="Steps">Scheduler steps.</param>
/// <param name="MeanDecodeBatch">Mean sequences per decode pass over the steps that decoded; null when none did.</param>
internal sealed record KvCacheSummary(
    [property: JsonPropertyName("kv_layout")] string KvLayout,
    [property: JsonPropertyName("kv_block_size")] int BlockSize,
    [property: JsonPropertyName("kv_bytes_per_token")] long BytesPerToken,
    [property: JsonPropertyName("kv_capacity_bytes")] long CapacityBytes,
    [property: JsonPropertyName("kv_peak_used_bytes")] long PeakUsedBytes,
    [property: JsonPropertyName("kv_peak_allocated_bytes")] long PeakAllocatedBytes,
    [property: JsonPropertyName("kv_waste_percent")] double? WastePercent,
    [property: JsonPropertyName("kv_waste_percent_at_peak")] double? WastePercentAtPeak,
    [property: JsonPropertyName("preemptions")] int Preemptions,
    [property: JsonPropertyName("prefix_cache_hit_rate")] double? PrefixCacheHitRate,
    [property: JsonPropertyName("engine_steps")] int Steps,
    [property: JsonPropertyName("mean_decode_batch")] double? MeanDecodeBatch)
{
    /// <summary>Summarises the traces of one variant's measured load runs (in run order); null when there are none.</summary>
    public static KvCacheSummary? Compute(IReadOnlyList<EngineTrace> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        if (traces.Count == 0)
        {
            return null;
        }

        EngineStep[] steps = [.. traces.SelectMany(t => t.Steps)];
        EngineStep[] allocating = [.. steps.Where(s => s.KvAllocatedBytes > 0)];

        // Summed in double: a long run's byte-steps can pass long's range, and the ratio is all that is needed.
        double used = allocating.Sum(s => (double)s.KvUsedBytes);
        double allocated = allocating.Sum(s => (double)s.KvAllocatedBytes);
        double? waste = allocating.Length > 0 ? 100 * (1 - (used / allocated)) : null;
        double? wasteAtPeak = null;
        if (allocating.Length > 0)
        {
            EngineStep peak = allocating.MaxBy(s => s.KvAllocatedBytes);
            wasteAtPeak = 100 * (1 - ((double)peak.KvUsedBytes / peak.KvAllocatedBytes));
        }

        long hits = traces.Sum(t => t.PrefixHitTokens);
        long misses = traces.Sum(t => t.PrefixMissTokens);
        EngineStep[] decoding = [.. steps.Where(s => s.DecodeSequences > 0)];
        EngineTrace first = traces[0];
        return new KvCacheSummary(
            first.KvLayout,
            first.BlockSize,
            first.BytesPerToken,
            steps.Length > 0 ? steps.Max(s => s.KvCapacityBytes) : 0,
            steps.Length > 0 ? steps.Max(s => s.KvUsedBytes) : 0,
            steps.Length > 0 ? steps.Max(s => s.KvAllocatedBytes) : 0,
            waste,
            wasteAtPeak,
            traces.Sum(t => t.Preemptions),
            hits + misses > 0 ? (double)hits / (hits + misses) : null,
            steps.Length,
            decoding.Length > 0 ? decoding.Average(s => (double)s.DecodeSequences) : null);
    }
}
