using System.Runtime.InteropServices;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// The paged KV cache's storage: a fixed number of blocks of <see cref="BlockSize"/> token slots each, shared by all
/// sequences, with reference counts so a block can belong to several sequences (a shared prompt prefix). Per layer K
/// and V are one native, 64-byte aligned array each, laid out [numBlocks, kvHeads, blockSize, headDim] fp32, so one
/// block's rows for one kv head are contiguous (blockSize · headDim floats): attention streams them like a slice of
/// the contiguous cache. Memory is reserved up front and left uninitialised; slots past a sequence's length are never
/// read. Not thread-safe: the scheduler owns it.
/// </summary>
public sealed unsafe class KvBlockPool : IDisposable
{
    private const nuint Alignment = 64;

    private readonly float*[] _keys;
    private readonly float*[] _values;
    private readonly int[] _refCounts;

    // LIFO: the most recently freed block is handed out first, while its pages are still warm.
    private readonly Stack<int> _free;
    private IBlockEvictor? _evictor;
    private bool _disposed;

    public KvBlockPool(int numLayers, int kvHeads, int headDim, int blockSize, int numBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numLayers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kvHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numBlocks);
        NumLayers = numLayers;
        KvHeads = kvHeads;
        HeadDim = headDim;
        BlockSize = blockSize;
        TotalBlocks = numBlocks;
        FloatsPerBlock = (long)kvHeads * blockSize * headDim;
        _keys = new float*[numLayers];
        _values = new float*[numLayers];
        _refCounts = new int[numBlocks];
        _free = new Stack<int>(numBlocks);
        for (int b = numBlocks - 1; b >= 0; b--)
        {
            _free.Push(b);
        }

        nuint layerBytes = (nuint)(FloatsPerBlock * numBlocks * sizeof(float));
        try
        {
            for (int l = 0; l < numLayers; l++)
            {
                _keys[l] = (float*)NativeMemory.AlignedAlloc(layerBytes, Alignment);
                _values[l] = (float*)NativeMemory.AlignedAlloc(layerBytes, Alignment);
            }
        }
        catch (OutOfMemoryException e)
        {
            FreeMemory();
            throw new EngineException($"cannot reserve {ReservedBytes / (1024.0 * 1024):F0} MiB for {numBlocks} KV blocks", e);
        }
    }

    public KvBlockPool(LlamaConfig config, int blockSize, int numBlocks)
        : this(Config(config).NumLayers, config.NumKvHeads, config.HeadDim, blockSize, numBlocks)
    {
    }

    public int NumLayers { get; }

    public int KvHeads { get; }

    public int HeadDim { get; }

    /// <summary>Token slots per block.</summary>
    public int BlockSize { get; }

    public int TotalBlocks { get; }

    /// <summary>Blocks on the free list (not counting cached blocks an evictor could give back).</summary>
    public int FreeBlocks => _free.Count;

    /// <summary>Free blocks plus those the prefix cache would evict on demand.</summary>
    public int AvailableBlocks => _free.Count + (_evictor?.EvictableBlocks ?? 0);

    /// <summary>Blocks with a reference count above zero (held by sequences or the prefix cache).</summary>
    public int UsedBlocks => TotalBlocks - _free.Count;

    /// <summary>Floats in one block of one layer's K (or V): kvHeads · blockSize · headDim.</summary>
    public long FloatsPerBlock { get; }

    /// <summary>K and V of one token over all layers.</summary>
    public long BytesPerToken => 2L * NumLayers * KvHeads * HeadDim * sizeof(float);

    /// <summary>2 (K, V) · layers · kvHeads · blockSize · headDim · 4.</summary>
    public long BytesPerBlock => BytesPerToken * BlockSize;

    public long ReservedBytes => BytesPerBlock * TotalBlocks;

    /// <summary>K and V of one token over all layers of a model.</summary>
    public static long BytesPerTokenOf(LlamaConfig config)
        => 2L * Config(config).NumLayers * config.NumKvHeads * config.HeadDim * sizeof(float);

    public static long BytesPerBlockOf(LlamaConfig config, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        return BytesPerTokenOf(config) * blockSize;
    }

    /// <summary>As many blocks as fit in <paramref name="budgetBytes"/> (rounded down), as vLLM sizes its cache from
    /// the memory left after the weights.</summary>
    public static KvBlockPool FromBudget(LlamaConfig config, int blockSize, long budgetBytes)
    {
        long perBlock = BytesPerBlockOf(config, blockSize);
        long blocks = budgetBytes / perBlock;
        if (blocks < 1)
        {
            throw new EngineException(
                $"KV cache budget of {budgetBytes} bytes holds no block of {blockSize} tokens ({perBlock} bytes each)");
        }

        if (blocks > int.MaxValue)
        {
            throw new EngineException($"KV cache budget of {budgetBytes} bytes is more than {int.MaxValue} blocks");
        }

        return new KvBlockPool(config, blockSize, (int)blocks);
    }

    /// <summary>Base of one layer's K: [numBlocks, kvHeads, blockSize, headDim].</summary>
    public float* LayerKeys(int layer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _keys[layer];
    }

    /// <summary>Base of one layer's V: [numBlocks, kvHeads, blockSize, headDim].</summary>
    public float* LayerValues(int layer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _values[layer];
    }

    /// <summary>One block of one layer's K: [kvHeads, blockSize, headDim].</summary>
    public float* KeyBlock(int layer, int block)
    {
        CheckBlock(block);
        return LayerKeys(layer) + (block * FloatsPerBlock);
    }

    /// <summary>One block of one layer's V: [kvHeads, blockSize, headDim].</summary>
    public float* ValueBlock(int layer, int block)
    {
        CheckBlock(block);
        return LayerValues(layer) + (block * FloatsPerBlock);
    }

    public int RefCount(int block)
    {
        CheckBlock(block);
        return _refCounts[block];
    }

    /// <summary>Takes a free block with reference count 1, evicting an unreferenced cached block if none is free.</summary>
    /// <returns>False when every block is held by a sequence.</returns>
    public bool TryAllocate(out int block)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.Count == 0 && (_evictor == null || !_evictor.TryEvictOne()))
        {
            block = -1;
            return false;
        }

        block = _free.Pop();
        _refCounts[block] = 1;
        return true;
    }

    /// <summary>As <see cref="TryAllocate"/>, throwing <see cref="EngineException"/> when the pool is exhausted.</summary>
    public int Allocate()
    {
        if (!TryAllocate(out int block))
        {
            throw new EngineException($"KV cache exhausted: all {TotalBlocks} blocks of {BlockSize} tokens are in use");
        }

        return block;
    }

    /// <summary>Adds an owner to an allocated block (another sequence sharing it, or the prefix cache).</summary>
    public void Retain(int block)
    {
        CheckBlock(block);
        if (_refCounts[block] == 0)
        {
            throw new InvalidOperationException($"KV block {block} is free and cannot be retained");
        }

        _refCounts[block]++;
    }

    /// <summary>Drops one owner; the block returns to the free list when the last one goes.</summary>
    public void Release(int block)
    {
        CheckBlock(block);
        if (_refCounts[block] == 0)
        {
            throw new InvalidOperationException($"KV block {block} released while free (double free)");
        }

        if (--_refCounts[block] == 0)
        {
            _free.Push(block);
        }
    }

    /// <summary>Returns a block its sole owner is done with. Throws if the block is free or still shared.</summary>
    public void Free(int block)
    {
        CheckBlock(block);
        if (_refCounts[block] > 1)
        {
            throw new InvalidOperationException($"KV block {block} is shared by {_refCounts[block]} owners and cannot be freed");
        }

        Release(block);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        FreeMemory();
    }

    internal void AttachEvictor(IBlockEvictor evictor)
    {
        if (_evictor != null && _evictor != evictor)
        {
            throw new InvalidOperationException("the KV block pool already has a prefix cache");
        }

        _evictor = evictor;
    }

    private static LlamaConfig Config(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config;
    }

    private void CheckBlock(int block)
    {
        if ((uint)block >= (uint)TotalBlocks)
        {
            throw new ArgumentOutOfRangeException(nameof(block), block, $"block ids are in [0, {TotalBlocks})");
        }
    }

    private void FreeMemory()
    {
        for (int l = 0; l < NumLayers; l++)
        {
            NativeMemory.AlignedFree(_keys[l]);
            NativeMemory.AlignedFree(_values[l]);
            _keys[l] = null;
            _values[l] = null;
        }
    }
}
