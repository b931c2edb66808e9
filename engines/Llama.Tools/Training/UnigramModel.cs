namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// The baseline a trained model must beat: token frequencies of the training split with add-one smoothing,
/// p(t) = (count(t) + 1) / (N + V), ignoring all context.
/// </summary>
/// <param name="Counts">Occurrences of each id in the training stream, indexed by id (length = vocabulary size).</param>
internal sealed record UnigramModel(IReadOnlyList<long> Counts)
{
    private readonly double logTotal = Math.Log(Counts.Sum() + (double)Counts.Count);

    public static UnigramModel Count(IEnumerable<int> tokens, int vocabSize)
    {
        var counts = new long[vocabSize];
        foreach (int t in tokens)
        {
            counts[t]++;
        }

        return new UnigramModel(counts);
    }

    /// <summary>-ln p(token), in nats.</summary>
    public double Nll(int token) => logTotal - Math.Log(Counts[token] + 1.0);
}
