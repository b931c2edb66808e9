using Harness.Engines.Statistics;
namespace Harness.Statistics;

/// <summary>
/// Percentile bootstrap of the relative change (B - A) / A of a statistic between two independent samples (two runs).
/// Each resample draws |A| values from A and |B| from B with replacement, recomputes the statistic on both and keeps
/// the relative change; the interval is the (alpha/2, 1 - alpha/2) quantiles of those changes (linear interpolation).
/// </summary>
internal static class Bootstrap
{
    /// <summary>Compares a mean or percentile of <paramref name="candidate"/> (B) against <paramref name="baseline"/> (A).</summary>
    public static BootstrapResult Compare(
        double[] baseline,
        double[] candidate,
        BootstrapStatistic statistic,
        MetricDirection direction,
        BootstrapOptions? options = null)
    {
        CheckArguments(baseline, candidate, statistic);

        options ??= BootstrapOptions.Default;
        CheckSamples(baseline.Length, candidate.Length, options);
        double[] scratchA = new double[baseline.Length];
        double[] scratchB = new double[candidate.Length];
        double a0 = Evaluate(baseline, scratchA, statistic);
        double b0 = Evaluate(candidate, scratchB, statistic);
        System.Random rng = new(options.Seed);
        double[] changes = new double[options.Resamples];
        for (int r = 0; r < changes.Length; r++)
        {
            Resample(baseline, scratchA, rng);
            Resample(candidate, scratchB, rng);
            double a = StatisticInPlace(scratchA, statistic);
            double b = StatisticInPlace(scratchB, statistic);
            changes[r] = (b - a) / a;
        }

        return Finish(statistic.Name, direction, a0, b0, changes, options);
    }

    /// <summary>
    /// Compares sum(numerator) / sum(denominator) with requests resampled as (numerator, denominator) pairs, e.g.
    /// output tokens over request seconds.
    /// </summary>
    public static BootstrapResult CompareRatio(
        double[] baselineNumerator,
        double[] baselineDenominator,
        double[] candidateNumerator,
        double[] candidateDenominator,
        MetricDirection direction,
        BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baselineNumerator);
        ArgumentNullException.ThrowIfNull(baselineDenominator);
        ArgumentNullException.ThrowIfNull(candidateNumerator);
        ArgumentNullException.ThrowIfNull(candidateDenominator);
        if (baselineNumerator.Length != baselineDenominator.Length || candidateNumerator.Length != candidateDenominator.Length)
        {
            throw new ArgumentException("numerator and denominator samples must have the same length");
        }

        options ??= BootstrapOptions.Default;
        CheckSamples(baselineNumerator.Length, candidateNumerator.Length, options);
        double a0 = Sum(baselineNumerator) / Sum(baselineDenominator);
        double b0 = Sum(candidateNumerator) / Sum(candidateDenominator);
        System.Random rng = new(options.Seed);
        double[] changes = new double[options.Resamples];
        for (int r = 0; r < changes.Length; r++)
        {
            double a = ResampledRatio(baselineNumerator, baselineDenominator, rng);
            double b = ResampledRatio(candidateNumerator, candidateDenominator, rng);
            changes[r] = (b - a) / a;
        }

        return Finish(BootstrapStatistic.RatioOfSums.Name, direction, a0, b0, changes, options);
    }

    /// <summary>
    /// Compares a mean or percentile of values that come in groups (e.g. the inter-token gaps of each request): each
    /// resample draws whole groups with replacement and pools their values, because values within a group are
    /// correlated and resampling them one by one would make the interval too narrow.
    /// </summary>
    public static BootstrapResult CompareGrouped(
        double[][] baseline,
        double[][] candidate,
        BootstrapStatistic statistic,
        MetricDirection direction,
        BootstrapOptions? options = null)
    {
        CheckArguments(baseline, candidate, statistic);

        options ??= BootstrapOptions.Default;
        CheckSamples(baseline.Sum(g => g.Length), candidate.Sum(g => g.Length), options);
        double[] scratchA = new double[baseline.Length * baseline.Max(g => g.Length)];
        double[] scratchB = new double[candidate.Length * candidate.Max(g => g.Length)];
        double a0 = StatisticInPlace(scratchA.AsSpan(0, Pool(baseline, scratchA, null)), statistic);
        double b0 = StatisticInPlace(scratchB.AsSpan(0, Pool(candidate, scratchB, null)), statistic);
        System.Random rng = new(options.Seed);
        double[] changes = new double[options.Resamples];
        for (int r = 0; r < changes.Length; r++)
        {
            double a = StatisticInPlace(scratchA.AsSpan(0, Pool(baseline, scratchA, rng)), statistic);
            double b = StatisticInPlace(scratchB.AsSpan(0, Pool(candidate, scratchB, rng)), statistic);

            // A resample of only empty groups has no statistic; it counts as no change rather than a NaN.
            changes[r] = double.IsNaN(a) || double.IsNaN(b) ? 0 : (b - a) / a;
        }

        return Finish(statistic.Name, direction, a0, b0, changes, options);
    }

    /// <summary>Copies the groups (all of them, or a resample when <paramref name="rng"/> is set) into target; returns the count.</summary>
    private static int Pool(double[][] groups, double[] target, System.Random? rng)
    {
        int filled = 0;
        for (int i = 0; i < groups.Length; i++)
        {
            double[] g = groups[rng is null ? i : rng.Next(groups.Length)];
            g.CopyTo(target, filled);
            filled += g.Length;
        }

        return filled;
    }

    private static BootstrapResult Finish(string name, MetricDirection direction, double a0, double b0, double[] changes, BootstrapOptions options)
    {
        if (a0 == 0 || !double.IsFinite(a0))
        {
            throw new HarnessInputException($"cannot compare relative change: the baseline {name} is {a0}");
        }

        Array.Sort(changes);
        double alpha = 1 - options.Confidence;
        double low = Percentile.Interpolated(changes, alpha / 2);
        double high = Percentile.Interpolated(changes, 1 - alpha / 2);
        bool increased = low > 0;
        bool decreased = high < 0;
        ChangeVerdict verdict = !increased && !decreased
            ? ChangeVerdict.NoSignificantChange
            : increased == (direction == MetricDirection.HigherIsBetter) ? ChangeVerdict.Better : ChangeVerdict.Worse;
        return new BootstrapResult(name, direction, a0, b0, (b0 - a0) / a0, low, high, options.Confidence, changes.Length, verdict);
    }

    private static void Resample(double[] source, double[] target, System.Random rng)
    {
        int n = source.Length;
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = source[rng.Next(n)];
        }
    }

    internal static double ResampledRatio(double[] numerator, double[] denominator, System.Random rng)
    {
        int n = numerator.Length;
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++)
        {
            int j = rng.Next(n);
            num += numerator[j];
            den += denominator[j];
        }

        return num / den;
    }

    private static double Evaluate(double[] values, double[] scratch, BootstrapStatistic statistic)
    {
        values.CopyTo(scratch, 0);
        return StatisticInPlace(scratch, statistic);
    }

    private static double StatisticInPlace(Span<double> values, BootstrapStatistic statistic)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        return statistic.Kind == BootstrapStatisticKind.Mean ? Sum(values) / values.Length : Percentile.NearestRankInPlace(values, statistic.Percentile);
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        double s = 0;
        for (int i = 0; i < values.Length; i++)
        {
            s += values[i];
        }

        return s;
    }

    private static void CheckArguments(object baseline, object candidate, BootstrapStatistic statistic)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(statistic);
        if (statistic.Kind == BootstrapStatisticKind.RatioOfSums)
        {
            throw new ArgumentException("use CompareRatio for a ratio of sums", nameof(statistic));
        }
    }

    private static void CheckSamples(int a, int b, BootstrapOptions options)
    {
        if (a == 0 || b == 0)
        {
            throw new HarnessInputException("cannot compare runs: one of the samples is empty");
        }

        if (options.Resamples < 100 || !(options.Confidence > 0 && options.Confidence < 1))
        {
            throw new HarnessInputException("bootstrap needs at least 100 resamples and a confidence in (0, 1)");
        }
    }
}
