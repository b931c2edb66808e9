using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// Contiguous per-sequence KV caches, each preallocated for the whole context, as engines without paging keep them:
/// a cache is made the first time a slot is needed and reused after. Reserved bytes grow with the busiest moment;
/// used bytes are the tokens actually stored, so the gap between them is the waste paging removes.
/// </summary>
internal sealed class KvCacheSlots(LlamaModel model, int capacity) : IDisposable
{
    private readonly Stack<KvCache> free = new();
    private readonly List<KvCache> all = [];
    private readonly HashSet<KvCache> inUse = [];
    private long reservedBytes;
    private long usedBytes;
    private long peakUsedBytes;

    public int Capacity { get; } = capacity;

    public long ReservedBytes => Interlocked.Read(ref reservedBytes);

    public long UsedBytes => Interlocked.Read(ref usedBytes);

    public long PeakUsedBytes => Interlocked.Read(ref peakUsedBytes);

    public KvCache Rent()
    {
        if (inUse.Count >= Capacity)
        {
            throw new InvalidOperationException($"all {Capacity} KV cache slots are in use");
        }

        if (!free.TryPop(out KvCache? cache))
        {
            cache = model.NewCache();
            all.Add(cache);
            Interlocked.Add(ref reservedBytes, cache.ReservedBytes);
        }

        cache.Length = 0;
        inUse.Add(cache);
        return cache;
    }

    public void Return(KvCache cache)
    {
        if (inUse.Remove(cache))
        {
            cache.Length = 0;
            free.Push(cache);
        }

        Track();
    }

    /// <summary>Recomputes used bytes over the caches in use and raises the peak.</summary>
    public void Track()
    {
        long used = inUse.Sum(c => c.UsedBytes);
        Interlocked.Exchange(ref usedBytes, used);
        if (used > Interlocked.Read(ref peakUsedBytes))
        {
            Interlocked.Exchange(ref peakUsedBytes, used);
        }
    }

    public void Dispose()
    {
        foreach (KvCache cache in all)
        {
            cache.Dispose();
        }
    }
}
