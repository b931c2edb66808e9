using Harness.Engines.Statistics;
using Harness.Statistics;

namespace Harness.Metrics;

/// <summary>
/// MLPerf LoadGen's early-stopping rule, implemented from its definition. Treat each sample as a Bernoulli trial that
/// is over the bound with probability 1 - p when the true p-th percentile sits exactly at the bound. Having seen t
/// overlatency samples among n, the claim "p-th percentile &lt;= bound" is accepted at confidence c only if such a
/// percentile would show t or fewer overlatency samples with probability at most 1 - c:
/// P[Binomial(n, 1 - p) &lt;= t] &lt;= 1 - c.
/// For t = 0 this is p^n &lt;= 1 - c, so n &gt;= ln(1 - c) / ln(p): 459 samples for p99 at 99 % confidence (LoadGen's
/// number), 44 for p90.
/// </summary>
internal static class EarlyStopping
{
    public const double DefaultConfidence = 0.99;

    /// <summary>P[X &lt;= t] for X ~ Binomial(n, 1 - p): the odds of seeing so few overlatency samples.</summary>
    public static double OverlatencyOdds(long n, long t, double p)
    {
        CheckFraction(p, nameof(p));
        if (n < 0 || t < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "n and t must be >= 0");
        }

        if (t >= n)
        {
            return 1.0;
        }

        // Log-space terms: log pmf(0) = n ln p, pmf(x+1)/pmf(x) = (n-x)/(x+1) * (1-p)/p; then a max-shifted sum.
        double logRatio = Math.Log((1 - p) / p);
        var logTerms = new double[t + 1];
        logTerms[0] = n * Math.Log(p);
        double max = logTerms[0];
        for (long x = 0; x < t; x++)
        {
            logTerms[x + 1] = logTerms[x] + Math.Log((double)(n - x) / (x + 1)) + logRatio;
            max = Math.Max(max, logTerms[x + 1]);
        }

        double sum = 0;
        foreach (double l in logTerms)
        {
            sum += Math.Exp(l - max);
        }

        return Math.Min(1.0, Math.Exp(max + Math.Log(sum)));
    }

    /// <summary>True when n samples with t over the bound support "p-th percentile &lt;= bound" at confidence c.</summary>
    public static bool IsValid(long n, long t, double p, double c = DefaultConfidence)
    {
        CheckFraction(c, nameof(c));
        return t <= n && OverlatencyOdds(n, t, p) <= 1 - c;
    }

    /// <summary>Smallest n for which t overlatency samples still give a valid claim (459 for p = c = 0.99, t = 0).</summary>
    public static long MinimumSamples(double p, double c = DefaultConfidence, long t = 0)
    {
        CheckFraction(p, nameof(p));
        CheckFraction(c, nameof(c));
        long low = t; // invalid: with n = t every sample is over the bound
        long high = Math.Max(t + 1, 2 * t);
        while (!IsValid(high, t, p, c))
        {
            low = high;
            high *= 2;
        }

        while (high - low > 1)
        {
            long mid = low + (high - low) / 2;
            if (IsValid(mid, t, p, c))
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return high;
    }

    /// <summary>
    /// The most overlatency samples n samples can afford at (p, c), or -1 when even t = 0 is not valid. The odds
    /// grow with t, so the valid t form a prefix [0, t*].
    /// </summary>
    public static long MaxAffordableOverlatency(long n, double p, double c = DefaultConfidence)
    {
        if (!IsValid(n, 0, p, c))
        {
            return -1;
        }

        long low = 0;
        long high = n;
        while (high - low > 1)
        {
            long mid = low + (high - low) / 2;
            if (IsValid(n, mid, p, c))
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>
    /// LoadGen's conservative percentile estimate: with t* = <see cref="MaxAffordableOverlatency"/>, the sample at rank
    /// n - t* (1-based, ascending). Only t* samples exceed it, so claiming it as the bound is valid. Null when n is
    /// below <see cref="MinimumSamples"/>.
    /// </summary>
    public static double? ConservativeEstimate(IReadOnlyList<double> values, double p, double c = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(values);
        long t = MaxAffordableOverlatency(values.Count, p, c);
        if (t < 0)
        {
            return null;
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted[sorted.Length - t - 1];
    }

    /// <summary>
    /// Judges "p-th percentile of <paramref name="valuesMs"/> &lt;= bound". With no bound (no SLO), the measured
    /// nearest-rank p-th percentile is the bound, which asks whether the run has enough samples to report it.
    /// </summary>
    public static EarlyStoppingVerdict Evaluate(string metric, IReadOnlyList<double> valuesMs, double p, double? boundMs, double c = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(valuesMs);
        int n = valuesMs.Count;
        double bound = boundMs ?? Percentile.NearestRank(valuesMs, p);
        long over = 0;
        foreach (double v in valuesMs)
        {
            over += v > bound ? 1 : 0;
        }

        return new EarlyStoppingVerdict(
            metric,
            p,
            boundMs,
            n,
            over,
            MinimumSamples(p, c, over),
            n > 0 && IsValid(n, over, p, c),
            ConservativeEstimate(valuesMs, p, c));
    }

    /// <summary>
    /// The MLPerf Server-style verdicts for one variant: p99 TTFT and p99 TPOT of its completed, non-warm-up requests,
    /// against the SLO bounds when set, else against the measured p99.
    /// </summary>
    public static IReadOnlyList<EarlyStoppingVerdict> ForVariant(string variant, IEnumerable<RequestRecord> records, Slo? slo = null, double p = 0.99, double c = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(records);
        List<double> ttft = [];
        List<double> tpot = [];
        foreach (RequestRecord r in records)
        {
            if (r.IsWarmup || !r.Succeeded || !string.Equals(r.Variant, variant, StringComparison.Ordinal))
            {
                continue;
            }

            RequestMetrics m = RequestMetrics.From(r);
            ttft.Add(m.TtftMs!.Value);
            if (m.TpotMs is double tp)
            {
                tpot.Add(tp);
            }
        }

        return [Evaluate(MetricDefinitions.TtftMs, ttft, p, slo?.TtftMs, c), Evaluate(MetricDefinitions.TpotMs, tpot, p, slo?.TpotMs, c)];
    }

    private static void CheckFraction(double value, string name)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be strictly between 0 and 1");
        }
    }
}
