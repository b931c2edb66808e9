namespace Harness.Reports.Document;

/// <summary>A chart written as PNG and SVG; paths are relative to the run directory with '/' separators.</summary>
/// <param name="Title">What the chart shows (alt text and caption heading).</param>
/// <param name="PngPath">e.g. "charts/ttft_cdf.png".</param>
/// <param name="SvgPath">e.g. "charts/ttft_cdf.svg".</param>
/// <param name="Caption">What a reader needs to read it (caps, exclusions), or empty.</param>
internal sealed record ChartFile(string Title, string PngPath, string SvgPath, string Caption);
