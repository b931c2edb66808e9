namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Head layout of one attention layer. Grouped-query attention: query head h reads kv head h / (NumHeads / NumKvHeads).
/// </summary>
public readonly record struct AttentionShape
{
    public AttentionShape(int numHeads, int numKvHeads, int headDim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numKvHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        if (numHeads % numKvHeads != 0)
        {
            throw new ArgumentException($"numHeads ({numHeads}) must be a multiple of numKvHeads ({numKvHeads})");
        }

        NumHeads = numHeads;
        NumKvHeads = numKvHeads;
        HeadDim = headDim;
    }

    public int NumHeads { get; }

    public int NumKvHeads { get; }

    public int HeadDim { get; }

    /// <summary>Query heads sharing one kv head.</summary>
    public int GroupSize => NumHeads / NumKvHeads;
}
