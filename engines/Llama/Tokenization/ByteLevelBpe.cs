using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace Harness.Engines.Llama.Tokenization;

/// <summary>
/// The BPE model of a byte-level tokenizer: turns one pre-tokenized piece of text into vocabulary ids by starting
/// from one symbol per UTF-8 byte and repeatedly applying the lowest-ranked merge (leftmost on ties), which is what
/// the Hugging Face tokenizers library does. Thread-safe; pieces seen before come from a bounded cache.
/// </summary>
internal sealed class ByteLevelBpe
{
    // Pieces are words, so this is plenty; beyond it new words are simply not cached (no eviction bookkeeping).
    private const int MaxCachedPieces = 1 << 16;

    // Longer pieces (rare: long runs of punctuation or whitespace) use pooled buffers instead of the stack.
    private const int StackLimit = 256;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> vocabBySpan;
    private readonly Dictionary<long, Merge> merges;
    private readonly int[] byteIds = new int[256];
    private readonly bool ignoreMerges;
    private readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> cacheBySpan;

    /// <param name="vocab">Token (in the byte alphabet) to id.</param>
    /// <param name="mergeList">Merges in rank order, highest priority first.</param>
    /// <param name="ignoreMerges">Emit a whole piece directly when it is itself a vocabulary token (Llama 3).</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="EngineException">A byte symbol or a merge result is missing from the vocabulary.</exception>
    public ByteLevelBpe(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> mergeList, bool ignoreMerges, string source)
    {
        this.ignoreMerges = ignoreMerges;
        vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        cacheBySpan = cache.GetAlternateLookup<ReadOnlySpan<char>>();

        Span<char> symbol = stackalloc char[1];
        for (int b = 0; b < 256; b++)
        {
            symbol[0] = ByteLevelAlphabet.ToChar((byte)b);
            if (!vocabBySpan.TryGetValue(symbol, out byteIds[b]))
            {
                throw new EngineException($"{source}: byte-level vocabulary lacks the symbol for byte 0x{b:X2} ('{symbol[0]}')");
            }
        }

        merges = new Dictionary<long, Merge>(mergeList.Count);
        for (int rank = 0; rank < mergeList.Count; rank++)
        {
            (string left, string right) = mergeList[rank];
            if (!vocab.TryGetValue(left, out int leftId) || !vocab.TryGetValue(right, out int rightId))
            {
                throw new EngineException($"{source}: merge #{rank} \"{left} {right}\" uses a token missing from the vocabulary");
            }

            if (!vocab.TryGetValue(left + right, out int mergedId))
            {
                throw new EngineException($"{source}: merge #{rank} \"{left} {right}\" produces a token missing from the vocabulary");
            }

            // A duplicated merge keeps its first (highest-priority) rank, as in the reference implementation.
            merges.TryAdd(Key(leftId, rightId), new Merge(rank, mergedId));
        }
    }

    public int MergeCount => merges.Count;

    /// <summary>Appends the ids of one pre-tokenized piece.</summary>
    public void Encode(ReadOnlySpan<char> piece, List<int> output)
    {
        if (piece.IsEmpty)
        {
            return;
        }

        int byteCount = Encoding.UTF8.GetByteCount(piece);
        byte[]? rentedBytes = null;
        char[]? rentedChars = null;
        Span<byte> bytes = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rentedBytes = ArrayPool<byte>.Shared.Rent(byteCount));
        Span<char> symbols = byteCount <= StackLimit ? stackalloc char[StackLimit] : (rentedChars = ArrayPool<char>.Shared.Rent(byteCount));
        try
        {
            bytes = bytes[..Encoding.UTF8.GetBytes(piece, bytes)];
            symbols = symbols[..byteCount];
            ByteLevelAlphabet.Map(bytes, symbols);
            EncodeSymbols(bytes, symbols, output);
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
                ArrayPool<char>.Shared.Return(rentedChars!);
            }
        }
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private void EncodeSymbols(ReadOnlySpan<byte> bytes, ReadOnlySpan<char> symbols, List<int> output)
    {
        if (cacheBySpan.TryGetValue(symbols, out int[]? cached))
        {
            output.AddRange(cached);
            return;
        }

        if (ignoreMerges && vocabBySpan.TryGetValue(symbols, out int whole))
        {
            output.Add(whole);
            return;
        }

        int[]? rented = null;
        Span<int> ids = bytes.Length <= StackLimit ? stackalloc int[StackLimit] : (rented = ArrayPool<int>.Shared.Rent(bytes.Length));
        try
        {
            int count = bytes.Length;
            for (int i = 0; i < count; i++)
            {
                ids[i] = byteIds[bytes[i]];
            }

            count = ApplyMerges(ids[..count]);
            int[] result = ids[..count].ToArray();
            if (cache.Count < MaxCachedPieces)
            {
                cacheBySpan.TryAdd(symbols, result);
            }

            output.AddRange(result);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Merges in place; returns the number of symbols left.</summary>
    private int ApplyMerges(Span<int> ids)
    {
        // Quadratic in the piece length, but pieces are words of a few symbols; the cache absorbs repeats.
        int count = ids.Length;
        while (count > 1)
        {
            int bestRank = int.MaxValue;
            int bestAt = -1;
            int bestId = 0;
            for (int i = 0; i < count - 1; i++)
            {
                if (merges.TryGetValue(Key(ids[i], ids[i + 1]), out Merge merge) && merge.Rank < bestRank)
                {
                    bestRank = merge.Rank;
                    bestAt = i;
                    bestId = merge.Id;
                }
            }

            if (bestAt < 0)
            {
                break;
            }

            ids[bestAt] = bestId;
            ids[(bestAt + 2)..count].CopyTo(ids[(bestAt + 1)..]);
            count--;
        }

        return count;
    }

    private readonly record struct Merge(int Rank, int Id);
}
