using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// A whole-context cache per sequence, as engines without paging keep them: a slot is made the first time it is
/// needed and reused after, and always holds the model's full context. How many slots exist is the smaller of the
/// batch limit and what the KV budget holds at full context each, which is how preallocation caps the batch.
/// </summary>
internal sealed class ContiguousKvStore : KvStore
{
    private readonly LlamaModel model;
    private readonly Stack<ContiguousKvCache> free = new();
    private readonly List<ContiguousKvCache> all = [];
    private readonly HashSet<ContiguousKvCache> inUse = [];
    private long reservedBytes;

    /// <param name="budgetBytes">KV memory allowed, or 0 for no limit beyond <paramref name="maxSequences"/>.</param>
    public ContiguousKvStore(LlamaModel model, int maxSequences, long budgetBytes)
    {
        this.model = model;
        BytesPerToken = KvBlockPool.BytesPerTokenOf(model.Config);
        long perSequence = BytesPerToken * model.MaxContext;
        if (budgetBytes > 0 && budgetBytes < perSequence)
        {
            throw new EngineException($"KV budget of {budgetBytes} bytes holds no {model.MaxContext}-token context of {perSequence} bytes (contiguous layout)");
        }

        MaxSequences = budgetBytes > 0 ? (int)Math.Min(maxSequences, budgetBytes / perSequence) : maxSequences;
        CapacityBytes = perSequence * MaxSequences;
    }

    public override string Layout => "contiguous";

    public override int BlockSize => model.MaxContext;

    public override long BytesPerToken { get; }

    public override int MaxSequences { get; }

    public override long CapacityBytes { get; }

    public override long ReservedBytes => Interlocked.Read(ref reservedBytes);

    public override IKvSequence? TryCreate()
    {
        if (inUse.Count >= MaxSequences)
        {
            return null;
        }

        if (!free.TryPop(out ContiguousKvCache? cache))
        {
            cache = model.NewCache();
            all.Add(cache);
            Interlocked.Add(ref reservedBytes, cache.ReservedBytes);
        }

        cache.Length = 0;
        inUse.Add(cache);
        return cache;
    }

    public override bool TryGrow(IKvSequence kv, int positions) => positions <= kv.Capacity;

    // A slot is all a contiguous sequence ever needs, and TryCreate only hands one out while one is free.
    public override bool HasHeadroomFor(int positions) => true;

    public override bool NeverFits(int positions) => positions > model.MaxContext;

    public override void Release(IKvSequence kv)
    {
        var cache = (ContiguousKvCache)kv;
        if (inUse.Remove(cache))
        {
            cache.Length = 0;
            free.Push(cache);
        }
    }

    public override void Prefill(LlamaModel model, IKvSequence kv, ReadOnlySpan<int> ids, Span<float> logits) => model.Prefill(ids, (ContiguousKvCache)kv, logits);

    public override void Dispose()
    {
        foreach (ContiguousKvCache cache in all)
        {
            cache.Dispose();
        }
    }

    protected override (long Used, long Allocated) Account(IEnumerable<IKvSequence> live)
    {
        long used = 0, allocated = 0;
        foreach (IKvSequence kv in live)
        {
            used += kv.Length * BytesPerToken;
            allocated += kv.Capacity * BytesPerToken;
        }

        return (used, allocated);
    }
}
