using System.Globalization;
using Harness.Sampling;

namespace Harness.Workloads;

/// <summary>
/// A token-length distribution sampled with a caller-owned seeded <see cref="System.Random"/>. Every draw is rounded to
/// an integer and clamped to [Min, Max] (Min is at least 1: a request has at least one token).
/// </summary>
internal sealed class LengthDistribution
{
    private enum Shape
    {
        Fixed,
        Uniform,
        Normal,
        LogNormal,
        Empirical,
    }

    private readonly Shape _shape;
    private readonly double _a;
    private readonly double _b;
    private readonly int[] _values;
    private readonly double[] _cumulative;

    private LengthDistribution(Shape shape, int min, int max, double a, double b, string description, int[]? values = null, double[]? cumulative = null)
    {
        _shape = shape;
        Min = min;
        Max = max;
        _a = a;
        _b = b;
        Description = description;
        _values = values ?? [];
        _cumulative = cumulative ?? [];
    }

    public int Min { get; }

    public int Max { get; }

    /// <summary>Human-readable form for reports, e.g. "lognormal(mean=1000, std=400) in [1, 4096]".</summary>
    public string Description { get; }

    public static LengthDistribution Fixed(int value)
    {
        Require(value >= 1, $"fixed length must be >= 1, got {value}");
        return new LengthDistribution(Shape.Fixed, value, value, value, 0, $"fixed({value})");
    }

    /// <summary>Uniform integers in [min, max], both inclusive.</summary>
    public static LengthDistribution Uniform(int min, int max)
    {
        CheckBounds(min, max);
        return new LengthDistribution(Shape.Uniform, min, max, min, max, $"uniform[{min}, {max}]");
    }

    /// <summary>Normal(mean, std) rounded and clamped to [min, max] (clamping piles mass on the bounds, not redraws).</summary>
    public static LengthDistribution Normal(double mean, double std, int min = 1, int max = int.MaxValue)
    {
        CheckBounds(min, max);
        Require(std >= 0 && double.IsFinite(mean) && double.IsFinite(std), $"normal needs a finite mean and std >= 0, got mean={mean}, std={std}");
        return new LengthDistribution(Shape.Normal, min, max, mean, std, Invariant($"normal(mean={mean}, std={std}) in [{min}, {max}]"));
    }

    /// <summary>
    /// Log-normal given the mean and standard deviation of the lengths themselves (not of their logarithm):
    /// sigma^2 = ln(1 + std^2/mean^2), mu = ln(mean) - sigma^2/2. Use <see cref="LogNormalMuSigma"/> for log-space parameters.
    /// </summary>
    public static LengthDistribution LogNormal(double mean, double std, int min = 1, int max = int.MaxValue)
    {
        Require(mean > 0 && std >= 0 && double.IsFinite(mean) && double.IsFinite(std), $"lognormal needs mean > 0 and std >= 0, got mean={mean}, std={std}");
        double sigma2 = Math.Log(1.0 + std * std / (mean * mean));
        double mu = Math.Log(mean) - sigma2 / 2.0;
        CheckBounds(min, max);
        return new LengthDistribution(Shape.LogNormal, min, max, mu, Math.Sqrt(sigma2), Invariant($"lognormal(mean={mean}, std={std}) in [{min}, {max}]"));
    }

    /// <summary>Log-normal given mu and sigma of ln(length).</summary>
    public static LengthDistribution LogNormalMuSigma(double mu, double sigma, int min = 1, int max = int.MaxValue)
    {
        Require(sigma >= 0 && double.IsFinite(mu) && double.IsFinite(sigma), $"lognormal needs finite mu and sigma >= 0, got mu={mu}, sigma={sigma}");
        CheckBounds(min, max);
        return new LengthDistribution(Shape.LogNormal, min, max, mu, sigma, Invariant($"lognormal(mu={mu}, sigma={sigma}) in [{min}, {max}]"));
    }

    /// <summary>Draws lengths from (value, weight) pairs with probability proportional to weight.</summary>
    public static LengthDistribution Empirical(IReadOnlyList<KeyValuePair<int, double>> histogram)
    {
        Require(histogram is { Count: > 0 }, "empirical length distribution needs at least one (value, weight) pair");
        int[] values = new int[histogram.Count];
        double[] cumulative = new double[histogram.Count];
        double total = 0;
        for (int i = 0; i < histogram.Count; i++)
        {
            (int value, double weight) = (histogram[i].Key, histogram[i].Value);
            Require(value >= 1, $"empirical length values must be >= 1, got {value}");
            Require(weight >= 0 && double.IsFinite(weight), Invariant($"empirical weights must be finite and >= 0, got {weight}"));
            total += weight;
            values[i] = value;
            cumulative[i] = total;
        }

        Require(total > 0, "empirical length distribution has zero total weight");
        for (int i = 0; i < cumulative.Length; i++)
        {
            cumulative[i] /= total;
        }

        return new LengthDistribution(Shape.Empirical, values.Min(), values.Max(), 0, 0, $"empirical({values.Length} values)", values, cumulative);
    }

    /// <summary>Builds the distribution a scenario describes; a bad spec throws <see cref="HarnessInputException"/>.</summary>
    public static LengthDistribution FromSpec(LengthDistributionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int min = spec.Min ?? 1;
        int max = spec.Max ?? int.MaxValue;
        switch (spec.Kind.Trim().ToUpperInvariant())
        {
            case "FIXED":
                return Fixed(spec.Value ?? throw new HarnessInputException("length distribution 'fixed' needs 'value'"));
            case "UNIFORM":
                Require(spec.Min is not null && spec.Max is not null, "length distribution 'uniform' needs 'min' and 'max'");
                return Uniform(min, max);
            case "NORMAL":
                Require(spec.Mean is not null && spec.Std is not null, "length distribution 'normal' needs 'mean' and 'std'");
                return Normal(spec.Mean!.Value, spec.Std!.Value, min, max);
            case "LOGNORMAL":
                if (spec.Mu is not null || spec.Sigma is not null)
                {
                    Require(spec.Mu is not null && spec.Sigma is not null && spec.Mean is null && spec.Std is null, "length distribution 'lognormal' takes either 'mean' and 'std' (of the lengths) or 'mu' and 'sigma' (of their logarithm)");
                    return LogNormalMuSigma(spec.Mu!.Value, spec.Sigma!.Value, min, max);
                }

                Require(spec.Mean is not null && spec.Std is not null, "length distribution 'lognormal' needs 'mean' and 'std' (of the lengths) or 'mu' and 'sigma' (of their logarithm)");
                return LogNormal(spec.Mean!.Value, spec.Std!.Value, min, max);
            case "EMPIRICAL":
                return Empirical(spec.Histogram ?? throw new HarnessInputException("length distribution 'empirical' needs 'histogram' (value, weight) pairs"));
            default:
                throw new HarnessInputException($"unknown length distribution '{spec.Kind}' (expected fixed, uniform, normal, lognormal or empirical)");
        }
    }

    public int Sample(System.Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        switch (_shape)
        {
            case Shape.Fixed:
                return Min;
            case Shape.Uniform:
                return (int)(Min + (long)Math.Floor(rng.NextDouble() * ((long)Max - Min + 1)));
            case Shape.Normal:
                return Clamp(_a + _b * RandomVariates.StandardNormal(rng));
            case Shape.LogNormal:
                return Clamp(Math.Exp(_a + _b * RandomVariates.StandardNormal(rng)));
            default:
                double u = rng.NextDouble();
                int index = Array.BinarySearch(_cumulative, u);
                index = index >= 0 ? index + 1 : ~index;
                return _values[Math.Min(index, _values.Length - 1)];
        }
    }

    public override string ToString() => Description;

    private int Clamp(double x)
    {
        double rounded = Math.Round(x, MidpointRounding.AwayFromZero);
        return rounded <= Min ? Min : rounded >= Max ? Max : (int)rounded;
    }

    private static void CheckBounds(int min, int max) =>
        Require(min >= 1 && max >= min, $"length bounds must satisfy 1 <= min <= max, got min={min}, max={max}");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new HarnessInputException(message);
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
