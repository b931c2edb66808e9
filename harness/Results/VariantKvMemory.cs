using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>
/// A variant's KV cache and scheduler figures (<c>variants[].kv</c>), present only when the engine reported telemetry.
/// Computed from the measured load runs' steps and events (warm-up excluded, like every other statistic).
/// </summary>
internal sealed record VariantKvMemory(
    [property: JsonPropertyName("kv_layout")] string KvLayout,
    [property: JsonPropertyName("kv_block_size")] int KvBlockSize,
    [property: JsonPropertyName("kv_bytes_per_token")] long KvBytesPerToken,
    [property: JsonPropertyName("kv_capacity_bytes")] long KvCapacityBytes,
    [property: JsonPropertyName("kv_peak_used_bytes")] long KvPeakUsedBytes,
    [property: JsonPropertyName("kv_peak_allocated_bytes")] long KvPeakAllocatedBytes,
    [property: JsonPropertyName("kv_waste_percent")] double? KvWastePercent,
    [property: JsonPropertyName("kv_waste_percent_at_peak")] double? KvWastePercentAtPeak,
    [property: JsonPropertyName("preemptions")] int Preemptions,
    [property: JsonPropertyName("prefix_cache_hit_rate")] double? PrefixCacheHitRate,
    [property: JsonPropertyName("engine_steps")] int EngineSteps,
    [property: JsonPropertyName("mean_decode_batch")] double? MeanDecodeBatch);
