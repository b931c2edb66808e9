namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// Something holding blocks that no sequence needs any more but that are worth keeping while memory is plentiful
/// (the prefix cache). The pool asks it for one block back when its free list runs dry.
/// </summary>
internal interface IBlockEvictor
{
    /// <summary>Drops the holder's reference to one block only it holds, so the block returns to the free list.</summary>
    bool TryEvictOne();

    /// <summary>Blocks <see cref="TryEvictOne"/> could give back right now.</summary>
    int EvictableBlocks { get; }
}
