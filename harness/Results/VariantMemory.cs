using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>Memory the engine reported for a variant, in bytes.</summary>
internal sealed record VariantMemory(
    [property: JsonPropertyName("weights_bytes")] long WeightsBytes,
    [property: JsonPropertyName("kv_cache_reserved_bytes")] long KvCacheReservedBytes,
    [property: JsonPropertyName("kv_cache_peak_bytes")] long KvCachePeakBytes,
    [property: JsonPropertyName("peak_rss_bytes")] long PeakRssBytes);
