using Harness.Engines;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// A split of the corpus as one run of token ids, each document written as bos, its tokens, eos. Training batches are
/// windows at offsets drawn from a generator seeded by (seed, step), so the batch of a step does not depend on the
/// steps before it, which is what lets a resumed run see the same data as an uninterrupted one.
/// </summary>
internal sealed class TokenStream(int[] tokens)
{
    /// <summary>The ids, documents back to back.</summary>
    public int[] Tokens { get; } = tokens;

    public static TokenStream Encode(IReadOnlyList<string> documents, ITokenizer tokenizer, int bos, int eos)
    {
        var ids = new List<int>();
        foreach (string document in documents)
        {
            ids.Add(bos);
            ids.AddRange(tokenizer.Encode(document));
            ids.Add(eos);
        }

        return new TokenStream([.. ids]);
    }

    /// <summary>Inputs and next-token targets, both [batch, seqLen] int64, for training step <paramref name="step"/>.</summary>
    public (Tensor Ids, Tensor Targets) Batch(int step, int batch, int seqLen, ulong seed)
    {
        int span = Tokens.Length - seqLen - 1;
        if (span < 1)
        {
            throw new EngineException($"the training text has {Tokens.Length} tokens, fewer than one sequence of {seqLen + 1}");
        }

        // The step-th output of the seed's own stream seeds this step's generator. (Seeding with seed ^ f(step) directly
        // would make neighbouring steps' SplitMix64 streams the same stream shifted by one draw: every window reused
        // by the next 15 steps.)
        var random = new SplitMix64(new SplitMix64(seed + (0x9E3779B97F4A7C15UL * (ulong)step)).NextUInt64());
        var offsets = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            offsets[i] = (int)(random.NextUInt64() % (ulong)span);
        }

        return Windows(offsets, seqLen);
    }

    /// <summary>
    /// The stream cut into consecutive windows that together predict every token after the first exactly once:
    /// window i reads tokens [i·T, i·T+T) and predicts [i·T+1, i·T+T+1); the last one is shorter.
    /// </summary>
    public IEnumerable<(Tensor Ids, Tensor Targets)> Consecutive(int seqLen)
    {
        for (int start = 0; start + 1 < Tokens.Length; start += seqLen)
        {
            int length = Math.Min(seqLen, Tokens.Length - 1 - start);
            yield return Windows([start], length);
        }
    }

    private (Tensor Ids, Tensor Targets) Windows(int[] offsets, int length)
    {
        var ids = new long[offsets.Length * length];
        var targets = new long[offsets.Length * length];
        for (int row = 0; row < offsets.Length; row++)
        {
            for (int i = 0; i < length; i++)
            {
                ids[(row * length) + i] = Tokens[offsets[row] + i];
                targets[(row * length) + i] = Tokens[offsets[row] + i + 1];
            }
        }

        return (torch.tensor(ids, [offsets.Length, length]), torch.tensor(targets, [offsets.Length, length]));
    }
}
