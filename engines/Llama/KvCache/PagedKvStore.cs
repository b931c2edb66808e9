using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// Sequences' KV in blocks of one pool sized from a byte budget, allocated as they grow, with an optional prefix
/// cache. libtorch prefills into a contiguous staging cache whose new positions are then copied into the sequence's
/// blocks; the staging cache keeps the last prefilled sequence's positions, so the chunks of one prompt are not copied
/// back in between.
/// </summary>
internal sealed unsafe class PagedKvStore : KvStore
{
    private readonly LlamaModel model;
    private readonly KvBlockPool pool;
    private readonly PrefixCache? prefixCache;
    private readonly ContiguousKvCache staging;
    private readonly int watermarkBlocks;
    private PagedSequence? stagingOwner;

    public PagedKvStore(LlamaModel model, int blockSize, long budgetBytes, bool prefixCaching)
    {
        this.model = model;
        pool = KvBlockPool.FromBudget(model.Config, blockSize, budgetBytes);
        prefixCache = prefixCaching ? new PrefixCache(pool) : null;
        staging = model.NewCache();

        // vLLM keeps 1% of blocks free at admission, so a newly admitted prompt does not force a preemption at the
        // very next step.
        watermarkBlocks = Math.Max(1, pool.TotalBlocks / 100);
    }

    public override string Layout => "paged";

    public override int BlockSize => pool.BlockSize;

    public override long BytesPerToken => pool.BytesPerToken;

    public override int MaxSequences => int.MaxValue;

    public override long CapacityBytes => pool.ReservedBytes;

    public override long ReservedBytes => pool.ReservedBytes + staging.ReservedBytes;

    public int TotalBlocks => pool.TotalBlocks;

    public override bool CachesPrefixes => prefixCache is not null;

    public override IKvSequence? TryCreate() => new PagedSequence(pool);

    public override bool TryGrow(IKvSequence kv, int positions) => ((PagedSequence)kv).Table.EnsureCapacity(pool, positions);

    public override bool HasHeadroomFor(int positions) => pool.AvailableBlocks - BlockTable.BlocksNeeded(positions, pool.BlockSize) >= watermarkBlocks;

    public override bool NeverFits(int positions) => BlockTable.BlocksNeeded(positions, pool.BlockSize) > pool.TotalBlocks;

    public override void Release(IKvSequence kv)
    {
        var sequence = (PagedSequence)kv;
        sequence.Release();
        if (stagingOwner == sequence)
        {
            stagingOwner = null;
        }
    }

    public override int MatchPrefix(IKvSequence kv, ReadOnlySpan<int> prompt)
    {
        if (prefixCache is null || prompt.Length < 2)
        {
            return 0;
        }

        // The last prompt position is always computed: its logits give the first token.
        var sequence = (PagedSequence)kv;
        sequence.Table.AdoptCachedPrefix(prefixCache.Match(prompt[..^1]));
        return sequence.Length;
    }

    public override void RegisterPrefix(IKvSequence kv, ReadOnlySpan<int> prompt) => prefixCache?.Register(prompt, ((PagedSequence)kv).Table);

    public override void Prefill(LlamaModel model, IKvSequence kv, ReadOnlySpan<int> ids, Span<float> logits)
    {
        var sequence = (PagedSequence)kv;
        int start = sequence.Length;
        int layers = model.Config.NumLayers;
        if (stagingOwner != sequence || staging.Length != start)
        {
            // The staging cache holds another sequence (or none): bring this one's stored positions in first, since
            // the prompt's next positions attend them.
            for (int l = 0; l < layers; l++)
            {
                PagedKv.CopyToContiguous(pool, l, sequence.Table, staging.KeysPointer(l), staging.ValuesPointer(l), staging.Capacity, 0, start);
            }

            staging.Length = start;
            stagingOwner = sequence;
        }

        model.Prefill(ids, staging, logits);
        for (int l = 0; l < layers; l++)
        {
            PagedKv.CopyFromContiguous(pool, l, sequence.Table, staging.KeysPointer(l), staging.ValuesPointer(l), staging.Capacity, start, ids.Length);
        }

        sequence.Length = start + ids.Length;
    }

    public override void Dispose()
    {
        staging.Dispose();
        pool.Dispose();
    }

    protected override (long Used, long Allocated) Account(IEnumerable<IKvSequence> live)
    {
        KvMemoryStats stats = KvMemoryStats.Of(pool, live.Select(kv => ((PagedSequence)kv).Table));
        return (stats.UsedBytes, stats.ReservedBytes);
    }
}
