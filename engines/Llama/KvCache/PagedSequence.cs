using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// One sequence's K/V in the shared block pool, as the decode kernels see it: positions map to blocks through the
/// sequence's <see cref="BlockTable"/>. Capacity grows only when the scheduler allocates blocks
/// (<see cref="BlockTable.EnsureCapacity"/>), which is where memory running out is noticed and handled.
/// </summary>
public sealed unsafe class PagedSequence(KvBlockPool pool) : IKvSequence
{
    public KvBlockPool Pool { get; } = pool;

    public BlockTable Table { get; } = new(pool.BlockSize);

    public int Length
    {
        get => Table.TokenCount;
        set => Table.TokenCount = value;
    }

    public int Capacity => Table.Capacity;

    public void Store(int layer, int position, float* key, float* value, HeadSlice heads) =>
        PagedKv.Write(Pool, layer, Table, position, key, value, heads.FirstKvHead, heads.KvHeads);

    public void Attend(KernelThreadPool pool, AttentionShape shape, HeadSlice heads, AttentionKind kind, int layer, float* q, int length, float* output, float* scores)
    {
        if (kind != AttentionKind.Fused)
        {
            // Checked when the engine is built; this guards direct callers.
            throw new EngineException("the paged KV cache runs fused attention only");
        }

        PagedDecodeAttention.Fused(pool, shape, q, Pool.LayerKeys(layer), Pool.LayerValues(layer), Pool.BlockSize, Table.BlockSpan, length, output, slice: heads);
    }

    /// <summary>Gives every block back (shared prefix blocks lose one owner) and empties the table.</summary>
    public void Release() => Table.Release(Pool);
}
