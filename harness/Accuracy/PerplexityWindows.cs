namespace Harness.Accuracy;

/// <summary>
/// Perplexity of a text scored in disjoint windows: each window is scored on its own (BOS first when the tokenizer
/// has one), and perplexity = exp(sum of NLL / tokens predicted) over all windows. A token is predicted from the
/// tokens before it in its window only, so short windows give higher perplexity than a sliding window would; the
/// window size is stated with the figure.
/// </summary>
internal static class PerplexityWindows
{
    /// <summary>The sequences to score: [BOS] + window, or the window alone (its first token is then not predicted).</summary>
    public static IReadOnlyList<int[]> Split(IReadOnlyList<int> tokens, int window, int? bos, int? maxWindows)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        var windows = new List<int[]>();
        for (int start = 0; start < tokens.Count && windows.Count < (maxWindows ?? int.MaxValue); start += window)
        {
            int length = Math.Min(window, tokens.Count - start);
            int[] ids = bos is int b ? [b, .. tokens.Skip(start).Take(length)] : [.. tokens.Skip(start).Take(length)];

            // A one-token tail without BOS predicts nothing.
            if (ids.Length >= 2)
            {
                windows.Add(ids);
            }
        }

        return windows;
    }

    /// <summary>Negative log-likelihood (nats) of ids[1..] under rows 0..T-2 of the [T, vocab] logits, and how many tokens that is.</summary>
    public static (double Nll, int Tokens) Score(ReadOnlySpan<float> logits, IReadOnlyList<int> ids, int vocab)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (logits.Length != ids.Count * vocab)
        {
            throw new ArgumentException($"expected [{ids.Count}, {vocab}] logits, got {logits.Length} values");
        }

        double[] logProbs = new double[vocab];
        double nll = 0;
        for (int t = 0; t + 1 < ids.Count; t++)
        {
            LogSoftmax.Compute(logits.Slice(t * vocab, vocab), logProbs);
            nll -= logProbs[ids[t + 1]];
        }

        return (nll, ids.Count - 1);
    }
}
