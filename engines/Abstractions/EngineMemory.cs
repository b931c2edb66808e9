namespace Harness.Engines;

/// <summary>Memory an engine reports, in bytes.</summary>
/// <param name="WeightsBytes">Bytes of model weights as held for inference (after any conversion).</param>
/// <param name="KvCacheReservedBytes">Bytes set aside for the KV cache.</param>
/// <param name="KvCacheUsedBytes">Bytes of the KV cache holding live tokens now.</param>
/// <param name="KvCachePeakBytes">Highest <paramref name="KvCacheUsedBytes"/> seen.</param>
/// <param name="PeakRssBytes">The process's peak resident set size (VmHWM).</param>
public sealed record EngineMemory(
    long WeightsBytes,
    long KvCacheReservedBytes,
    long KvCacheUsedBytes,
    long KvCachePeakBytes,
    long PeakRssBytes);
