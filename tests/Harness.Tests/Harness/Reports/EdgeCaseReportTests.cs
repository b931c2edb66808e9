using System.Globalization;
using Harness.Engines;
using Harness.Reports;
using Harness.Reports.Charts;
using Harness.Reports.Document;
using Harness.Results;
using SkiaSharp;
using static Harness.Tests.Harness.Reports.RunBuilder;

namespace Harness.Tests.Harness.Reports;

[Collection(ReportTestCollection.Name)]
public sealed class EdgeCaseReportTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "harness-report-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void IncompleteRunWithEmptyFailedAndCrashedVariantsStillReportsEverything()
    {
        var single = new[] { Request("only", "single", 0, 1, 5, [42, 50, 61]) };
        var failed = new[]
        {
            Request("f1", "all-failed", 0, 0, 3, [], completedMs: 20, error: "CUDA out of memory"),
            Request("f2", "all-failed", 10, 10, null, [], completedMs: 15, error: "timeout"),
            Request("f3", "all-failed", 20, 20, 25, [30], finish: FinishReason.Cancelled),
        };
        var builder = new RunBuilder { Complete = false, Slo = null }
            .Add("single", single)
            .Add("all-failed", failed)
            .Add("crashed", [], error: "engine failed to load: bad checkpoint");
        RunResult result = builder.Build();

        IReadOnlyList<string> written = RunReport.WriteAll(dir, result, builder.Records);

        Assert.All(written, p => Assert.True(File.Exists(p), p));
        string md = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("INCOMPLETE RUN", md, StringComparison.Ordinal);
        Assert.Contains("Variant crashed failed: engine failed to load: bad checkpoint", md, StringComparison.Ordinal);
        Assert.Equal("42.00", MarkdownTable.Cell(md, "Latency (ms)", "single", "TTFT p99"));
        Assert.Equal("9.50", MarkdownTable.Cell(md, "Latency (ms)", "single", "TPOT p99")); // (61 - 42) / 2
        Assert.Equal("n/a", MarkdownTable.Cell(md, "Latency (ms)", "all-failed", "TTFT p99"));
        Assert.Equal("n/a", MarkdownTable.Cell(md, "Latency (ms)", "crashed", "E2E p99"));
        Assert.Equal("3", MarkdownTable.Cell(md, "Requests", "all-failed", "failed"));
        Assert.Equal("0", MarkdownTable.Cell(md, "Requests", "all-failed", "completed"));
        Assert.Equal("n/a", MarkdownTable.Cell(md, "Throughput and goodput", "single", "goodput req/s"));
        Assert.Equal("FAILED: engine failed to load: bad checkpoint", MarkdownTable.Cell(md, "Variants", "crashed", "status"));
        (_, List<string[]> failedRows) = MarkdownTable.Under(md, "Failed requests");
        Assert.Equal(["f1", "f2", "f3"], failedRows.Select(r => r[1]));
        Assert.Equal("cancelled", failedRows[2][2]);

        // Every chart is drawn (with its title) even where a variant has nothing to plot.
        string[] pngs = [.. written.Where(p => p.EndsWith(".png", StringComparison.Ordinal))];
        Assert.Equal(8 + 3, pngs.Length);
        foreach (string png in pngs)
        {
            using SKBitmap bmp = Pixels.Load(png);
            Assert.True(Pixels.Count(bmp, Pixels.Dark, Pixels.TitleStrip(bmp)) > 80, png);
        }

        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("INCOMPLETE RUN", html, StringComparison.Ordinal);
        Assert.Contains("CUDA out of memory", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RunWithoutVariantsOrRecordsWritesAReport()
    {
        var builder = new RunBuilder();
        IReadOnlyList<string> written = RunReport.WriteAll(dir, builder.Build(), builder.Records);

        Assert.Equal(2 + 16, written.Count);
        string md = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("No measured request failed.", md, StringComparison.Ordinal);
        using SKBitmap bmp = Pixels.Load(Path.Combine(dir, "charts", "ttft_cdf.png"));
        Assert.True(Pixels.Count(bmp, Pixels.Dark) > 500, "empty chart should still carry its title, axes and message");
    }

    [Fact]
    public void SweepGetsOneTimelinePerPointAndAJoinedThroughputCurve()
    {
        var builder = new RunBuilder();
        foreach (string variant in new[] { "fp32-fused", "bf16-fused" })
        {
            double speed = variant.StartsWith("bf16", StringComparison.Ordinal) ? 0.5 : 1;
            foreach ((double rps, int seed) in new[] { (1.0, 1), (2.0, 2), (4.0, 3) })
            {
                string name = $"{variant}@{rps.ToString(CultureInfo.InvariantCulture)}rps";
                var requests = Synthetic(name, 12, prefillMs: 50 * rps * speed, tpotMs: 10 * rps * speed, tokens: 4, seed: seed, gapMs: 1000 / rps);
                builder.Add(name, requests, loadPoint: $"poisson {rps} rps");
            }
        }

        IReadOnlyList<string> written = RunReport.WriteAll(dir, builder.Build(), builder.Records);

        Assert.Contains(written, p => p.EndsWith("timeline_fp32-fused_4rps.png", StringComparison.Ordinal));
        Assert.Equal(6, written.Count(p => p.Contains("timeline_", StringComparison.Ordinal) && p.EndsWith(".png", StringComparison.Ordinal)));
        string svg = File.ReadAllText(Path.Combine(dir, "charts", "throughput_vs_ttft_p99.svg"));
        Assert.Contains("2rps", svg, StringComparison.Ordinal);

        // Each base variant's three points are joined: enough pixels of its colour for a line, not just markers.
        using SKBitmap bmp = Pixels.Load(Path.Combine(dir, "charts", "throughput_vs_ttft_p99.png"));
        Assert.True(Pixels.Count(bmp, Pixels.Near("#1F77B4")) > 400, "fp32-fused curve missing");
        Assert.True(Pixels.Count(bmp, Pixels.Near("#FF7F0E")) > 400, "bf16-fused curve missing");
    }

    [Fact]
    public void ReRenderingRemovesChartsOfVariantsNoLongerInTheResult()
    {
        var first = new RunBuilder().Add("old variant", Synthetic("old variant", 3, 10, 5, 3, seed: 1));
        RunReport.WriteAll(dir, first.Build(), first.Records);
        Assert.True(File.Exists(Path.Combine(dir, "charts", "timeline_old_variant.png")));

        var second = new RunBuilder().Add("new", Synthetic("new", 3, 10, 5, 3, seed: 1));
        RunReport.WriteAll(dir, second.Build(), second.Records);

        Assert.False(File.Exists(Path.Combine(dir, "charts", "timeline_old_variant.png")));
        Assert.True(File.Exists(Path.Combine(dir, "charts", "timeline_new.png")));
    }

    [Fact]
    public void MissingFontsAreAnnouncedNotHidden()
    {
        var builder = new RunBuilder().Add("v", Synthetic("v", 3, 10, 5, 3, seed: 1));
        ReportDocument doc = ReportBuilder.Build(builder.Build(), builder.Records, new ChartSet([], ["TTFT CDF: boom"]), new ChartFontStatus(false, "no DejaVuSans.ttf"));

        string md = MarkdownReport.Render(doc);
        string html = HtmlReport.Render(doc);
        Assert.Contains("> **Warning:** Charts were drawn WITHOUT any text", md, StringComparison.Ordinal);
        Assert.Contains("no DejaVuSans.ttf", md, StringComparison.Ordinal);
        Assert.Contains("Chart not drawn: TTFT CDF: boom", md, StringComparison.Ordinal);
        Assert.Contains("<div class=\"warning\">Warning: Charts were drawn WITHOUT any text", html, StringComparison.Ordinal);
    }

    [Fact]
    public void FreeTextCannotBreakTablesOrMarkup()
    {
        var builder = new RunBuilder().Add("a|b", [Request("x", "a|b", 0, 0, null, [], completedMs: 5, error: "bad <script>\nsecond line")]);
        ReportDocument doc = ReportBuilder.Build(builder.Build(), builder.Records, new ChartSet([], []), new ChartFontStatus(true, "test"));

        string md = MarkdownReport.Render(doc);
        string html = HtmlReport.Render(doc);
        Assert.Equal("1", MarkdownTable.Cell(md, "Requests", "a\\|b", "failed"));
        Assert.Contains("bad &lt;script> second line", md, StringComparison.Ordinal);
        Assert.Contains("TTFT <= 400 ms", md, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("bad &lt;script&gt;", html, StringComparison.Ordinal);
    }
}
