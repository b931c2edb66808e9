using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// Automatic prefix caching (vLLM's, nano-vllm's block_manager): a FULL block is identified by the hash of its parent
/// block's hash and its own token ids, so equal hashes mean equal whole prefixes and a new prompt can reuse the K/V
/// blocks of any earlier prompt that began the same way. Partially filled blocks are never cached: their contents
/// still change. The cache holds one reference to every block it knows, so a block outlives the sequences that
/// filled it; blocks only the cache holds are evicted least-recently-used first when the pool's free list runs dry
/// (the pool asks for them). Not thread-safe, like the pool.
/// </summary>
public sealed class PrefixCache : IBlockEvictor
{
    private readonly KvBlockPool _pool;
    private readonly Dictionary<ulong, LinkedListNode<Entry>> _byHash = [];
    private readonly Dictionary<int, ulong> _hashOfBlock = [];

    // Least recently matched or registered first: the eviction order.
    private readonly LinkedList<Entry> _lru = new();

    public PrefixCache(KvBlockPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
        pool.AttachEvictor(this);
    }

    public int BlockSize => _pool.BlockSize;

    /// <summary>Blocks the cache holds (some may also be held by running sequences).</summary>
    public int CachedBlocks => _byHash.Count;

    /// <summary>Cached blocks no sequence holds: what eviction can give back.</summary>
    public int EvictableBlocks => _lru.Count(e => _pool.RefCount(e.Block) == 1);

    /// <summary>Prompt tokens served from cached blocks, over all <see cref="Match"/> calls.</summary>
    public long HitTokens { get; private set; }

    /// <summary>Prompt tokens that had to be computed (including every partial last block).</summary>
    public long MissTokens { get; private set; }

    public long HitBlocks { get; private set; }

    /// <summary>Full prompt blocks that were not cached.</summary>
    public long MissBlocks { get; private set; }

    public long Evictions { get; private set; }

    /// <summary>HitTokens / (HitTokens + MissTokens); 0 before any lookup.</summary>
    public double TokenHitRate => HitTokens + MissTokens == 0 ? 0 : (double)HitTokens / (HitTokens + MissTokens);

    /// <summary>Hash of a full block given its parent's (0 for the first block): XxHash64 of the ids, seeded by the parent.</summary>
    public static ulong BlockHash(ulong parentHash, ReadOnlySpan<int> blockTokens)
        => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(blockTokens), unchecked((long)parentHash));

    /// <summary>
    /// The cached blocks covering the longest prefix of <paramref name="tokenIds"/> made of full blocks, each
    /// retained once for the caller (hand them to <see cref="BlockTable.AdoptCachedPrefix"/>, which the table's
    /// <see cref="BlockTable.Release"/> undoes). A caller that needs logits for the prompt's last token passes the
    /// prompt without it, so at least one token is left to compute.
    /// </summary>
    public IReadOnlyList<int> Match(ReadOnlySpan<int> tokenIds)
    {
        int blockSize = BlockSize;
        int fullBlocks = tokenIds.Length / blockSize;
        var matched = new List<int>();
        var nodes = new List<LinkedListNode<Entry>>();
        ulong hash = 0;
        for (int i = 0; i < fullBlocks; i++)
        {
            ReadOnlySpan<int> ids = tokenIds.Slice(i * blockSize, blockSize);
            hash = BlockHash(hash, ids);
            // A hash collision would silently attend someone else's prefix, so the ids are compared too.
            if (!_byHash.TryGetValue(hash, out LinkedListNode<Entry>? node) || !ids.SequenceEqual(node.Value.TokenIds))
            {
                break;
            }

            _pool.Retain(node.Value.Block);
            nodes.Add(node);
            matched.Add(node.Value.Block);
        }

        TouchChain(nodes);

        HitBlocks += matched.Count;
        MissBlocks += fullBlocks - matched.Count;
        HitTokens += (long)matched.Count * blockSize;
        MissTokens += tokenIds.Length - ((long)matched.Count * blockSize);
        return matched;
    }

    /// <summary>
    /// Records the full blocks of a sequence whose K/V are stored (after its prefill; again later to cache generated
    /// text). <paramref name="tokenIds"/> are the sequence's tokens from position 0; blocks past the last full one,
    /// or past the table's stored tokens, are skipped. Blocks already cached (shared or registered before) are kept.
    /// </summary>
    /// <returns>Blocks newly cached.</returns>
    public int Register(ReadOnlySpan<int> tokenIds, BlockTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.BlockSize != BlockSize)
        {
            throw new ArgumentException($"table block size {table.BlockSize} differs from the cache's {BlockSize}", nameof(table));
        }

        int blockSize = BlockSize;
        int fullBlocks = Math.Min(tokenIds.Length, table.TokenCount) / blockSize;
        int added = 0;
        var nodes = new List<LinkedListNode<Entry>>();
        ulong hash = 0;
        for (int i = 0; i < fullBlocks; i++)
        {
            ReadOnlySpan<int> ids = tokenIds.Slice(i * blockSize, blockSize);
            hash = BlockHash(hash, ids);
            int block = table.Blocks[i];
            if (_byHash.TryGetValue(hash, out LinkedListNode<Entry>? existing))
            {
                // Either this very block, or another copy of the same prefix computed before the first was
                // registered; the first copy stays the cached one and this one is freed with its sequence.
                nodes.Add(existing);
                continue;
            }

            if (_hashOfBlock.ContainsKey(block))
            {
                // Cached under another hash: the caller's ids disagree with what the block was registered with.
                throw new InvalidOperationException($"KV block {block} is already cached for different tokens");
            }

            _pool.Retain(block);
            var node = new LinkedListNode<Entry>(new Entry(hash, block, ids.ToArray()));
            _byHash[hash] = node;
            _hashOfBlock[block] = hash;
            nodes.Add(node);
            added++;
        }

        TouchChain(nodes);
        return added;
    }

    /// <summary>Evicts the least recently used block no sequence holds.</summary>
    public bool TryEvictOne()
    {
        for (LinkedListNode<Entry>? node = _lru.First; node != null; node = node.Next)
        {
            // The walk skips blocks running sequences still hold; those are few next to what fills a pool.
            if (_pool.RefCount(node.Value.Block) == 1)
            {
                Remove(node);
                Evictions++;
                return true;
            }
        }

        return false;
    }

    /// <summary>Drops every cached block (blocks still held by sequences stay theirs).</summary>
    public void Clear()
    {
        while (_lru.First is { } node)
        {
            Remove(node);
        }
    }

    /// <summary>
    /// Marks a prefix chain as just used. Deepest block first, so the chain's root ends most recent: eviction then
    /// takes a prefix's tail before its head (as vLLM does), and a half-evicted prefix still matches its head, whereas
    /// losing the head would strand every block after it (a match stops at the first miss).
    /// </summary>
    private void TouchChain(List<LinkedListNode<Entry>> chain)
    {
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            LinkedListNode<Entry> node = chain[i];
            if (node.List != null)
            {
                _lru.Remove(node);
            }

            _lru.AddLast(node);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _lru.Remove(node);
        _byHash.Remove(node.Value.Hash);
        _hashOfBlock.Remove(node.Value.Block);
        _pool.Release(node.Value.Block);
    }

    // TokenIds: the block's blockSize ids, to confirm a hash match.
    private sealed record Entry(ulong Hash, int Block, int[] TokenIds);
}
