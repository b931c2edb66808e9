using Harness.Metrics;
using Harness.Reports.Charts;
using Harness.Reports.Document;
using Harness.Results;

namespace Harness.Reports;

/// <summary>Writes a run's human-readable report: <c>report.md</c>, charts (PNG and SVG) and <c>index.html</c>.</summary>
internal static class RunReport
{
    /// <summary>Writes every report file into <paramref name="runDir"/>; returns the paths written.</summary>
    /// <param name="telemetry">Per variant, the engine's events and steps (same clock as <paramref name="records"/>); null or empty when there are none.</param>
    public static IReadOnlyList<string> WriteAll(string runDir, RunResult result, IReadOnlyList<RequestRecord> records, IReadOnlyList<VariantTelemetry>? telemetry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(records);
        Directory.CreateDirectory(runDir);
        ChartFontStatus fonts = ChartFonts.EnsureRegistered();
        ChartSet charts = ReportCharts.WriteAll(runDir, result, records, telemetry);
        ReportDocument document = ReportBuilder.Build(result, records, charts, fonts);

        string markdown = Path.Combine(runDir, MarkdownReport.FileName);
        string html = Path.Combine(runDir, HtmlReport.FileName);
        File.WriteAllText(markdown, MarkdownReport.Render(document));
        File.WriteAllText(html, HtmlReport.Render(document));

        var written = new List<string> { markdown, html };
        foreach (ChartFile chart in charts.Charts)
        {
            written.Add(Path.Combine(runDir, chart.PngPath));
            written.Add(Path.Combine(runDir, chart.SvgPath));
        }

        return written;
    }
}
