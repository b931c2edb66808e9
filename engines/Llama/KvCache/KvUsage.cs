namespace Harness.Engines.Llama.KvCache;

/// <summary>KV memory at one moment, in bytes.</summary>
/// <param name="UsedBytes">Stored positions × bytes per position.</param>
/// <param name="AllocatedBytes">Set aside for the sequences holding KV (whole contexts, or their blocks).</param>
/// <param name="CapacityBytes">What the cache may use in all.</param>
internal readonly record struct KvUsage(long UsedBytes, long AllocatedBytes, long CapacityBytes);
