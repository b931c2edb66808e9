using System.Runtime.InteropServices;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// One sequence's view of the paged cache: logical block i (positions [i·blockSize, (i+1)·blockSize)) lives in
/// physical block <see cref="Blocks"/>[i] of the pool. Blocks are added only when the last one is full, so at most
/// blockSize − 1 slots per sequence are reserved but unused. Leading blocks may be shared (a cached prefix); they are
/// always full, so this sequence never writes into them.
/// </summary>
public sealed class BlockTable
{
    private readonly List<int> _blocks = [];
    private int _tokenCount;

    public BlockTable(int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        BlockSize = blockSize;
    }

    public int BlockSize { get; }

    /// <summary>Physical block ids in logical order.</summary>
    public IReadOnlyList<int> Blocks => _blocks;

    public int BlockCount => _blocks.Count;

    /// <summary>Token slots the table's blocks provide.</summary>
    public int Capacity => _blocks.Count * BlockSize;

    /// <summary>Positions [0, TokenCount) hold valid keys and values. Set by the decode loop after it has written a
    /// step's K/V into every layer.</summary>
    public int TokenCount
    {
        get => _tokenCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Capacity);
            _tokenCount = value;
        }
    }

    /// <summary>Block ids for a kernel to pin (valid until the table next changes).</summary>
    public ReadOnlySpan<int> BlockSpan => CollectionsMarshal.AsSpan(_blocks);

    /// <summary>ceil(tokens / blockSize).</summary>
    public static int BlocksNeeded(int tokens, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        return (int)(((long)tokens + blockSize - 1) / blockSize);
    }

    /// <summary>Physical block and slot within it of a position this table has capacity for.</summary>
    public (int Block, int Offset) SlotFor(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Capacity);
        return (_blocks[position / BlockSize], position % BlockSize);
    }

    /// <summary>
    /// Grows the table to hold <paramref name="tokens"/> positions, allocating blocks as needed. All or nothing:
    /// when the pool cannot provide every block, those taken by this call are returned and the table is unchanged.
    /// </summary>
    public bool EnsureCapacity(KvBlockPool pool, int tokens)
    {
        CheckPool(pool);
        int needed = BlocksNeeded(tokens, BlockSize) - _blocks.Count;
        int before = _blocks.Count;
        for (int i = 0; i < needed; i++)
        {
            if (!pool.TryAllocate(out int block))
            {
                for (int j = _blocks.Count - 1; j >= before; j--)
                {
                    pool.Release(_blocks[j]);
                }

                _blocks.RemoveRange(before, _blocks.Count - before);
                return false;
            }

            _blocks.Add(block);
        }

        return true;
    }

    /// <summary>Makes room for one more token (a block when the last one is full) and counts it as stored.</summary>
    public bool TryAppendToken(KvBlockPool pool)
    {
        if (!EnsureCapacity(pool, _tokenCount + 1))
        {
            return false;
        }

        _tokenCount++;
        return true;
    }

    /// <summary>
    /// Starts the table with full blocks already holding a prompt prefix (from <see cref="PrefixCache.Match"/>, which
    /// has retained them for this sequence). The table must be empty.
    /// </summary>
    public void AdoptCachedPrefix(IReadOnlyList<int> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (_blocks.Count != 0)
        {
            throw new InvalidOperationException("a cached prefix can only start an empty block table");
        }

        _blocks.AddRange(blocks);
        _tokenCount = Capacity;
    }

    /// <summary>Drops this sequence's reference to every block and empties the table.</summary>
    public void Release(KvBlockPool pool)
    {
        CheckPool(pool);
        for (int i = _blocks.Count - 1; i >= 0; i--)
        {
            pool.Release(_blocks[i]);
        }

        _blocks.Clear();
        _tokenCount = 0;
    }

    private void CheckPool(KvBlockPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.BlockSize != BlockSize)
        {
            throw new ArgumentException($"pool block size {pool.BlockSize} differs from the table's {BlockSize}", nameof(pool));
        }
    }
}
