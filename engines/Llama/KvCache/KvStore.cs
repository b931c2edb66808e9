using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// Where sequences' KV memory comes from: whole-context caches per sequence (<see cref="ContiguousKvStore"/>) or
/// blocks of a shared pool allocated as sequences grow (<see cref="PagedKvStore"/>). The serving loops ask it for
/// memory, grow it step by step, and give it back; prefill goes through it because libtorch writes contiguous caches.
/// Owned by the engine thread (not thread-safe), except the byte counters the harness reads.
/// </summary>
internal abstract class KvStore : IDisposable
{
    private long peakUsedBytes;
    private long lastUsedBytes;

    /// <summary>"contiguous" or "paged", as the trace names it.</summary>
    public abstract string Layout { get; }

    /// <summary>Token slots per block (paged) or per sequence (contiguous).</summary>
    public abstract int BlockSize { get; }

    public abstract long BytesPerToken { get; }

    /// <summary>Sequences that can hold KV at once; paged stores are limited by blocks instead.</summary>
    public abstract int MaxSequences { get; }

    /// <summary>Bytes the cache may use in all.</summary>
    public abstract long CapacityBytes { get; }

    /// <summary>Bytes actually reserved from the system so far.</summary>
    public abstract long ReservedBytes { get; }

    public long UsedBytes => Interlocked.Read(ref lastUsedBytes);

    public long PeakUsedBytes => Interlocked.Read(ref peakUsedBytes);

    /// <summary>New, empty KV for a sequence, or null when none can be had now (every slot taken).</summary>
    public abstract IKvSequence? TryCreate();

    /// <summary>Makes room for <paramref name="positions"/> positions; false (nothing changed) when memory is short.</summary>
    public abstract bool TryGrow(IKvSequence kv, int positions);

    /// <summary>True when a sequence just created (and holding any cached prefix) may take <paramref name="positions"/>
    /// more positions without crowding out the running ones at their next steps (vLLM's watermark).</summary>
    public abstract bool HasHeadroomFor(int positions);

    /// <summary>True when a single sequence of <paramref name="positions"/> positions can never fit.</summary>
    public abstract bool NeverFits(int positions);

    public abstract void Release(IKvSequence kv);

    /// <summary>True when admissions look prompts up in a prefix cache.</summary>
    public virtual bool CachesPrefixes => false;

    /// <summary>Adopts cached blocks for a leading part of <paramref name="prompt"/>; returns the positions now stored.</summary>
    public virtual int MatchPrefix(IKvSequence kv, ReadOnlySpan<int> prompt) => 0;

    /// <summary>Offers a sequence's full prompt blocks to the prefix cache once they are stored.</summary>
    public virtual void RegisterPrefix(IKvSequence kv, ReadOnlySpan<int> prompt)
    {
    }

    /// <summary>
    /// Computes positions kv.Length.. for <paramref name="ids"/> through libtorch, stores them, advances Length and
    /// writes the last position's logits. The caller has grown the KV to hold them.
    /// </summary>
    public abstract void Prefill(LlamaModel model, IKvSequence kv, ReadOnlySpan<int> ids, Span<float> logits);

    /// <summary>Memory of the sequences holding KV now; also updates the used and peak counters.</summary>
    public KvUsage Measure(IEnumerable<IKvSequence> live)
    {
        (long used, long allocated) = Account(live);
        Interlocked.Exchange(ref lastUsedBytes, used);
        if (used > Interlocked.Read(ref peakUsedBytes))
        {
            Interlocked.Exchange(ref peakUsedBytes, used);
        }

        return new KvUsage(used, allocated, CapacityBytes);
    }

    public abstract void Dispose();

    /// <summary>Bytes holding stored positions and bytes set aside, over the given sequences.</summary>
    protected abstract (long Used, long Allocated) Account(IEnumerable<IKvSequence> live);
}
