using Harness.Results;
using Harness.Statistics;

namespace Harness.Accuracy;

/// <summary>
/// Builds an <see cref="AccuracyFigure"/> from per-unit results: a ratio of sums or a mean with a bootstrap over whole
/// units, or a proportion of independent units with a Wilson interval.
/// </summary>
internal static class AccuracyFigures
{
    public const string Bootstrap = "bootstrap";
    public const string Wilson = "wilson";

    /// <summary>sum(numerators) / sum(denominators); <paramref name="transform"/> (monotonic increasing) maps the value and both ends.</summary>
    public static AccuracyFigure Ratio(double[] numerators, double[] denominators, string unit, long? tokens = null, Func<double, double>? transform = null)
    {
        ConfidenceInterval ci = BootstrapInterval.RatioOfSums(numerators, denominators);
        transform ??= x => x;
        double value = numerators.Sum() / denominators.Sum();
        return new AccuracyFigure(transform(value), transform(ci.Low), transform(ci.High), numerators.Length, unit, Bootstrap, ci.Confidence, tokens);
    }

    public static AccuracyFigure Mean(double[] values, string unit, long? tokens = null) =>
        Ratio(values, [.. values.Select(_ => 1.0)], unit, tokens);

    public static AccuracyFigure Proportion(int successes, int trials, string unit)
    {
        ConfidenceInterval ci = WilsonInterval.For(successes, trials);
        return new AccuracyFigure((double)successes / trials, ci.Low, ci.High, trials, unit, Wilson, ci.Confidence);
    }
}
