namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// KV memory of a set of sequences: what is reserved for them and what their stored tokens actually occupy. The gap is
/// the waste paging removes: vLLM measured 60-80% of KV memory wasted by per-sequence preallocation to the maximum
/// length, against under 4% with blocks (only the last, partly filled block of each sequence).
/// </summary>
/// <param name="ReservedBytes">Bytes set aside for the sequences.</param>
/// <param name="UsedBytes">Stored tokens × bytes per token.</param>
/// <param name="BlocksInUse">Paged: distinct blocks the sequences hold; contiguous: 0.</param>
public sealed record KvMemoryStats(long ReservedBytes, long UsedBytes, int BlocksInUse)
{
    public long WastedBytes => ReservedBytes - UsedBytes;

    /// <summary>100 · wasted / reserved; 0 when nothing is reserved.</summary>
    public double WastePercent => ReservedBytes == 0 ? 0 : 100.0 * WastedBytes / ReservedBytes;

    /// <summary>Each sequence preallocates <paramref name="maxLength"/> positions, as <see cref="ContiguousKvCache"/> does:
    /// reserved = seqs · maxLength · bytesPerToken, used = Σ lengths · bytesPerToken.</summary>
    public static KvMemoryStats Contiguous(IReadOnlyList<int> lengths, int maxLength, long bytesPerToken)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerToken);
        long tokens = 0;
        foreach (int length in lengths)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, maxLength);
            tokens += length;
        }

        return new KvMemoryStats((long)lengths.Count * maxLength * bytesPerToken, tokens * bytesPerToken, 0);
    }

    /// <summary>Each sequence holds ceil(length / blockSize) blocks of its own (no sharing):
    /// reserved = blocks in use · blockSize · bytesPerToken, used = Σ lengths · bytesPerToken.</summary>
    public static KvMemoryStats Paged(IReadOnlyList<int> lengths, int blockSize, long bytesPerToken)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerToken);
        long tokens = 0;
        int blocks = 0;
        foreach (int length in lengths)
        {
            tokens += length;
            blocks += BlockTable.BlocksNeeded(length, blockSize);
        }

        return new KvMemoryStats((long)blocks * blockSize * bytesPerToken, tokens * bytesPerToken, blocks);
    }

    /// <summary>
    /// Live figures for sequences in a pool. A block shared by several tables (a cached prefix) counts once, as do
    /// its tokens, so sharing shows as less reserved memory rather than more than 100% use. Blocks only the prefix
    /// cache holds are not counted: they are reclaimable on demand.
    /// </summary>
    public static KvMemoryStats Of(KvBlockPool pool, IEnumerable<BlockTable> tables)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(tables);
        var filled = new Dictionary<int, int>();
        foreach (BlockTable table in tables)
        {
            for (int i = 0; i < table.BlockCount; i++)
            {
                int stored = Math.Clamp(table.TokenCount - (i * table.BlockSize), 0, table.BlockSize);
                int block = table.Blocks[i];
                filled[block] = Math.Max(stored, filled.GetValueOrDefault(block));
            }
        }

        long tokens = filled.Values.Sum(n => (long)n);
        return new KvMemoryStats(
            (long)filled.Count * pool.BlockSize * pool.BytesPerToken, tokens * pool.BytesPerToken, filled.Count);
    }
}
