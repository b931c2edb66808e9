using System.Text.Json.Serialization;
using Harness.Engines;

namespace Harness.Results;

/// <summary>
/// Memory the engine reported for a variant, in bytes. Not the engine's <see cref="EngineMemory"/> itself: that also
/// holds the KV bytes in use at the moment it was read, which says nothing about a finished run.
/// </summary>
internal sealed record VariantMemory(
    [property: JsonPropertyName("weights_bytes")] long WeightsBytes,
    [property: JsonPropertyName("kv_cache_reserved_bytes")] long KvCacheReservedBytes,
    [property: JsonPropertyName("kv_cache_peak_bytes")] long KvCachePeakBytes,
    [property: JsonPropertyName("peak_rss_bytes")] long PeakRssBytes)
{
    /// <summary>Zeros when the engine reported nothing.</summary>
    public static VariantMemory From(EngineMemory? m) =>
        m is null ? new VariantMemory(0, 0, 0, 0) : new VariantMemory(m.WeightsBytes, m.KvCacheReservedBytes, m.KvCachePeakBytes, m.PeakRssBytes);
}
