namespace Harness.Statistics;

/// <summary>A two-sided interval for one estimate.</summary>
/// <param name="Low">Lower end.</param>
/// <param name="High">Upper end.</param>
/// <param name="Confidence">Coverage it was built for (0.95).</param>
internal readonly record struct ConfidenceInterval(double Low, double High, double Confidence)
{
    public bool Contains(double value) => value >= Low && value <= High;

    public double Width => High - Low;
}
