namespace Harness.Engines.Statistics;

/// <summary>
/// The sample-percentile rules used beside HdrHistogram (which summarises latencies in result files). Nearest rank
/// answers "how slow was the p-th request": it always returns a value some request really had, which is what a
/// latency claim, an SLO judgement or a gate statistic needs. Linear interpolation reads the bounds of a bootstrap
/// interval off thousands of resampled values, where a smooth estimate matters more than an observed one. The median
/// of a benchmark's few repetitions is the midpoint of the middle two, as every statistics package reports it.
/// Shared by the harness and the engines' own benchmarks, so each rule lives once.
/// </summary>
public static class Percentile
{
    /// <summary>Nearest-rank percentile: the value at 1-based rank ceil(p * n) of the sorted values; NaN when empty.</summary>
    /// <remarks>Works on a copy, so <paramref name="values"/> keeps its order.</remarks>
    public static double NearestRank(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] copy = [.. values];
        return NearestRankInPlace(copy, p);
    }

    /// <summary>
    /// <see cref="NearestRank"/> without the copy, for the bootstrap's inner loop (expected O(n) by selection, not a
    /// sort); reorders <paramref name="values"/>, which must not be empty.
    /// </summary>
    public static double NearestRankInPlace(Span<double> values, double p)
    {
        int rank = (int)Math.Ceiling(p * values.Length);
        return QuickSelect.Select(values, Math.Clamp(rank, 1, values.Length) - 1);
    }

    /// <summary>The median: the middle value, or the mean of the middle two; NaN when there are none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>Linear-interpolation quantile of sorted values (Hyndman and Fan type 7, numpy's default).</summary>
    public static double Interpolated(ReadOnlySpan<double> sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
