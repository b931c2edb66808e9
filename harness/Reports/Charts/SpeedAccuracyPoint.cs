namespace Harness.Reports.Charts;

/// <summary>One variant on a speed-vs-accuracy chart: its speed, an accuracy figure and that figure's interval.</summary>
/// <param name="Variant">Variant name, written next to the point.</param>
/// <param name="ColorIndex">Palette index (the base variant's).</param>
/// <param name="X">Speed.</param>
/// <param name="Y">Accuracy figure.</param>
/// <param name="YLow">Lower end of its interval.</param>
/// <param name="YHigh">Upper end of its interval.</param>
internal sealed record SpeedAccuracyPoint(string Variant, int ColorIndex, double X, double Y, double YLow, double YHigh);
