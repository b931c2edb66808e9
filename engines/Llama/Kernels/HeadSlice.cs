namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// The heads of one attention layer that one caller works on: query heads [FirstHead, FirstHead + Heads) and the KV
/// heads [FirstKvHead, FirstKvHead + KvHeads) they read. A tensor-parallel rank holds such a slice; an unsplit model
/// takes <see cref="All"/>. Query and key/value vectors passed with a slice hold only its heads, in order; caches
/// stay indexed by the global KV head.
/// </summary>
public readonly record struct HeadSlice
{
    public HeadSlice(AttentionShape shape, int firstHead, int heads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstHead);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstHead + heads, shape.NumHeads);
        FirstHead = firstHead;
        Heads = heads;
        FirstKvHead = firstHead / shape.GroupSize;
        KvHeads = ((firstHead + heads - 1) / shape.GroupSize) - FirstKvHead + 1;
    }

    public int FirstHead { get; }

    public int Heads { get; }

    /// <summary>The KV head of <see cref="FirstHead"/>.</summary>
    public int FirstKvHead { get; }

    /// <summary>KV heads the query heads read (query head h reads h / group size).</summary>
    public int KvHeads { get; }

    public static HeadSlice All(AttentionShape shape) => new(shape, 0, shape.NumHeads);
}
