namespace Harness.Reports;

/// <summary>Whether charts can draw text, and where their font came from (or why there is none).</summary>
internal sealed record ChartFontStatus(bool Available, string Detail);
