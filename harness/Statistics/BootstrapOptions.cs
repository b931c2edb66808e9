namespace Harness.Statistics;

/// <summary>Bootstrap settings.</summary>
/// <param name="Resamples">Resamples per comparison.</param>
/// <param name="Confidence">Two-sided confidence level of the interval.</param>
/// <param name="Seed">Seed; the same inputs and seed give the same interval, bit for bit.</param>
internal sealed record BootstrapOptions(int Resamples = 2000, double Confidence = 0.95, int Seed = 20240607)
{
    public static BootstrapOptions Default { get; } = new();
}
