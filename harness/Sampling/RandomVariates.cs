namespace Harness.Sampling;

/// <summary>
/// Seeded samplers on top of <see cref="System.Random"/>. A seeded <see cref="System.Random"/> uses the legacy
/// algorithm whose sequence is fixed across .NET versions, so schedules and workloads repeat bit for bit.
/// </summary>
internal static class RandomVariates
{
    /// <summary>Uniform in (0, 1]: never 0, so logarithms are finite.</summary>
    public static double OpenUniform(System.Random rng) => 1.0 - rng.NextDouble();

    /// <summary>Exponential with mean 1 (inverse transform).</summary>
    public static double Exponential(System.Random rng) => -Math.Log(OpenUniform(rng));

    /// <summary>Standard normal by the Box-Muller transform (one of the pair is used, so each call consumes two draws).</summary>
    public static double StandardNormal(System.Random rng)
    {
        double u1 = OpenUniform(rng);
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// Gamma with the given shape and scale 1, by Marsaglia and Tsang (2000). For shape &lt; 1 it samples shape + 1 and
    /// multiplies by U^(1/shape), the standard boost.
    /// </summary>
    public static double Gamma(System.Random rng, double shape)
    {
        if (shape < 1.0)
        {
            double boosted = Gamma(rng, shape + 1.0);
            return boosted * Math.Pow(OpenUniform(rng), 1.0 / shape);
        }

        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x;
            double v;
            do
            {
                x = StandardNormal(rng);
                v = 1.0 + c * x;
            }
            while (v <= 0.0);

            v = v * v * v;
            double u = OpenUniform(rng);
            if (u < 1.0 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
