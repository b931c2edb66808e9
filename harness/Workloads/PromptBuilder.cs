using System.Text;
using Harness.Engines;

namespace Harness.Workloads;

/// <summary>
/// Turns a <see cref="WorkloadRequest"/> into exactly <see cref="WorkloadRequest.InputTokens"/> prompt ids,
/// deterministically for a seed. A prompt is its prefix blocks (same block id, same ids, so prefix caches see real
/// reuse) followed by a tail unique to the request index.
/// </summary>
/// <remarks>
/// With a tokenizer, ids come from encoding a seeded stream of common English words, so the prompt is text the model's
/// tokenizer really produces; each segment is a window of that encoded pool at a position keyed by the block id or the
/// request index. Without a tokenizer (token-id mode), ids are uniform in [lowestId, vocabSize), keeping clear of the
/// low ids where models put their special tokens.
/// </remarks>
internal sealed class PromptBuilder
{
    private const long BlockStream = 11;
    private const long TailStream = 12;
    private const int PoolTokens = 1 << 16;

    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not", "he",
        "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were", "their",
        "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who", "so", "no",
        "time", "people", "water", "system", "model", "number", "small", "large", "river", "city", "house", "between",
        "after", "before", "under", "over", "light", "measure", "story", "world", "little", "garden", "morning", "friend",
    ];

    private readonly long _seed;
    private readonly int _lowestId;
    private readonly int _vocabSize;
    private readonly int[] _pool;

    /// <summary>Token-id mode: ids uniform in [<paramref name="lowestId"/>, <paramref name="vocabSize"/>).</summary>
    public PromptBuilder(long seed, int vocabSize, int lowestId = 3)
    {
        if (lowestId < 0 || vocabSize <= lowestId)
        {
            throw new HarnessInputException($"prompt ids need 0 <= lowest id < vocab size, got lowest={lowestId}, vocab={vocabSize}");
        }

        _seed = seed;
        _lowestId = lowestId;
        _vocabSize = vocabSize;
        _pool = [];
    }

    /// <summary>Text mode: ids from the tokenizer's encoding of a seeded word stream, with BOS/EOS ids removed.</summary>
    public PromptBuilder(long seed, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _seed = seed;
        _vocabSize = tokenizer.VocabSize;
        _pool = BuildPool(seed, tokenizer);
    }

    public int[] Build(WorkloadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int[] ids = new int[request.InputTokens];
        int filled = 0;
        if (request.PrefixBlockTokens > 0)
        {
            foreach (long block in request.PrefixBlocks)
            {
                if (filled >= ids.Length)
                {
                    break;
                }

                int take = Math.Min(request.PrefixBlockTokens, ids.Length - filled);
                Fill(ids.AsSpan(filled, take), SplitMix64.Derive(_seed, BlockStream, block));
                filled += take;
            }
        }

        Fill(ids.AsSpan(filled), SplitMix64.Derive(_seed, TailStream, request.Index));
        return ids;
    }

    private void Fill(Span<int> target, ulong key)
    {
        SplitMix64 rng = new(key);
        if (_pool.Length == 0)
        {
            int span = _vocabSize - _lowestId;
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = _lowestId + rng.NextInt(span);
            }

            return;
        }

        // A window of the encoded text at a keyed position, wrapping around the pool.
        int start = rng.NextInt(_pool.Length);
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = _pool[(start + i) % _pool.Length];
        }
    }

    private static int[] BuildPool(long seed, ITokenizer tokenizer)
    {
        HashSet<int> special = [.. tokenizer.EosTokenIds];
        if (tokenizer.BosTokenId is int bos)
        {
            special.Add(bos);
        }

        SplitMix64 rng = new(SplitMix64.Derive(seed, 13));
        List<int> pool = new(PoolTokens + 256);
        StringBuilder text = new();
        while (pool.Count < PoolTokens)
        {
            text.Clear();
            for (int i = 0; i < 512; i++)
            {
                text.Append(Words[rng.NextInt(Words.Length)]).Append(' ');
            }

            int before = pool.Count;
            foreach (int id in tokenizer.Encode(text.ToString()))
            {
                if (!special.Contains(id))
                {
                    pool.Add(id);
                }
            }

            if (pool.Count == before)
            {
                throw new HarnessInputException($"tokenizer {tokenizer.Name} produced no usable ids for the prompt text");
            }
        }

        return [.. pool];
    }
}
