using Harness.Engines.Statistics;
namespace Harness.Statistics;

/// <summary>
/// One-sample percentile bootstrap of sum(numerator) / sum(denominator) over independent units, e.g. KL summed over a
/// sequence's positions / its positions. Whole units are resampled, never their parts: the positions of one sequence
/// are correlated, and resampling them one by one would make the interval too narrow. A mean is the special case of
/// denominators all 1.
/// </summary>
internal static class BootstrapInterval
{
    public static ConfidenceInterval RatioOfSums(double[] numerators, double[] denominators, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(numerators);
        ArgumentNullException.ThrowIfNull(denominators);
        if (numerators.Length != denominators.Length || numerators.Length == 0)
        {
            throw new ArgumentException("need as many numerators as denominators, and at least one unit");
        }

        options ??= BootstrapOptions.Default;
        System.Random rng = new(options.Seed);
        double[] ratios = new double[options.Resamples];
        for (int r = 0; r < ratios.Length; r++)
        {
            ratios[r] = Bootstrap.ResampledRatio(numerators, denominators, rng);
        }

        Array.Sort(ratios);
        double alpha = 1 - options.Confidence;
        return new ConfidenceInterval(Percentile.Interpolated(ratios, alpha / 2), Percentile.Interpolated(ratios, 1 - alpha / 2), options.Confidence);
    }
}
