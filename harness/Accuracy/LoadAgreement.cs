using Harness.Engines;
using Harness.Results;

namespace Harness.Accuracy;

/// <summary>
/// Whether serving under load changed what a request generates: each measured request's greedy output from the load
/// run against the same request regenerated alone (one at a time) on the same engine afterwards. With batch-invariant
/// kernels they must be identical; a difference points at batching, preemption or KV bugs. Only greedy sampling has
/// one right answer, so other sampling is not compared.
/// </summary>
internal static class LoadAgreement
{
    /// <summary>One measured request: the ids it produced under load, and the request as sent.</summary>
    public readonly record struct Pair(int RequestIndex, int[] UnderLoad, GenerationRequest Request);

    /// <summary>Figures from (under load, alone) output pairs; the pairs are the independent units.</summary>
    public static (AccuracyFigure Agreement, AccuracyFigure PrefixTokens) Compare(IReadOnlyList<(int[] UnderLoad, int[] Alone)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            throw new ArgumentException("no request to compare", nameof(pairs));
        }

        int equal = pairs.Count(p => p.UnderLoad.AsSpan().SequenceEqual(p.Alone));
        double[] prefixes = [.. pairs.Select(p => (double)GreedyMatch.CommonPrefix(p.UnderLoad, p.Alone))];
        return (AccuracyFigures.Proportion(equal, pairs.Count, "requests"), AccuracyFigures.Mean(prefixes, "requests", pairs.Sum(p => (long)p.UnderLoad.Length)));
    }

    /// <summary>
    /// Regenerates the requests alone (at most <paramref name="maxRequests"/> distinct ones, in workload order; several
    /// repetitions of one request share its regeneration, cached in <paramref name="alone"/> across load points) and
    /// compares.
    /// </summary>
    public static async Task<(AccuracyFigure Agreement, AccuracyFigure PrefixTokens, string? Note)> MeasureAsync(
        IInferenceEngine engine,
        IReadOnlyList<Pair> measured,
        int? maxRequests,
        Dictionary<int, int[]> alone,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(alone);
        HashSet<int> chosen = [.. measured.Select(p => p.RequestIndex).Distinct().Order().Take(maxRequests ?? int.MaxValue)];
        List<Pair> compared = [.. measured.Where(p => chosen.Contains(p.RequestIndex))];
        foreach (Pair p in compared.Where(p => !alone.ContainsKey(p.RequestIndex)))
        {
            alone[p.RequestIndex] = await EngineGeneration.GenerateAsync(engine, p.Request with { Id = $"accuracy/alone/{p.RequestIndex}" }, cancellationToken).ConfigureAwait(false);
        }

        (AccuracyFigure agreement, AccuracyFigure prefix) = Compare([.. compared.Select(p => (p.UnderLoad, alone[p.RequestIndex]))]);
        string? note = compared.Count < measured.Count ? $"load_agreement: {compared.Count} of {measured.Count} completed measured requests compared (the first {chosen.Count} distinct requests)" : null;
        return (agreement, prefix, note);
    }
}
