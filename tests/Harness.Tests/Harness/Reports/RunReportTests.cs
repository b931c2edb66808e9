using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Metrics;
using Harness.Reports;
using SkiaSharp;

namespace Harness.Tests.Harness.Reports;

[Collection(ReportTestCollection.Name)]
public sealed partial class RunReportTests(RenderedRun run) : IClassFixture<RenderedRun>
{
    private static readonly string[] FixedCharts =
        ["ttft_cdf", "tpot_cdf", "output_throughput", "ttft_p99", "tpot_p99", "goodput", "throughput_vs_ttft_p99", "throughput_vs_e2e_p99"];

    private static readonly string[] TimelineCharts = ["timeline_fp32-fused", "timeline_bf16-fused"];

    private static readonly string[] AllChartNames = [.. FixedCharts, .. TimelineCharts];

    public static TheoryData<string> AllCharts => [.. AllChartNames];

    [Fact]
    public void FontsAreFoundOnThisMachine()
    {
        // fonts-dejavu-core is part of a fresh machine here (platform.md); without it every chart would be textless.
        Assert.True(ChartFonts.EnsureRegistered().Available, ChartFonts.EnsureRegistered().Detail);
        Assert.DoesNotContain("WITHOUT any text", run.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesEveryChartAsPngAndSvgAndReturnsThePaths()
    {
        foreach (string name in AllChartNames)
        {
            Assert.True(File.Exists(run.Chart(name + ".png")), name + ".png");
            Assert.True(File.Exists(run.Chart(name + ".svg")), name + ".svg");
            Assert.Contains(run.Written, p => p.EndsWith(Path.Combine("charts", name + ".png"), StringComparison.Ordinal));
        }

        Assert.Equal(2 + (2 * (FixedCharts.Length + TimelineCharts.Length)), run.Written.Count);
        Assert.All(run.Written, p => Assert.True(File.Exists(p), p));
    }

    [Theory]
    [MemberData(nameof(AllCharts))]
    public void PngIsDrawnWithSeveralColoursAndATitle(string name)
    {
        using SKBitmap bmp = Pixels.Load(run.Chart(name + ".png"));
        int area = bmp.Width * bmp.Height;
        int inked = Pixels.Count(bmp, Pixels.NonWhite);
        Assert.True(inked > area / 50, $"{name}: only {inked} of {area} pixels are not background");
        int colours = Pixels.DistinctColors(bmp);
        Assert.True(colours >= 4, $"{name}: {colours} distinct colours");

        // The title is the only thing drawn in the top strip: dark pixels there mean text rendered.
        int titleInk = Pixels.Count(bmp, Pixels.Dark, Pixels.TitleStrip(bmp));
        Assert.True(titleInk > 80, $"{name}: {titleInk} dark pixels in the title strip");
    }

    [Fact]
    public void ARunWithoutTensorParallelProfilesHasNoSectionChartOrWarningForIt()
    {
        Assert.DoesNotContain("Tensor parallelism", run.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Tensor parallelism", run.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("the cost of the split", run.Markdown, StringComparison.Ordinal);
        Assert.False(File.Exists(run.Chart("tensor_parallel_decode.png")));
    }

    [Fact]
    public void CdfLinesUseOneColourPerVariant()
    {
        using SKBitmap bmp = Pixels.Load(run.Chart("ttft_cdf.png"));

        // Category10's first two colours: fp32-fused then bf16-fused.
        Assert.True(Pixels.Count(bmp, Pixels.Near("#1F77B4")) > 300, "no fp32-fused line");
        Assert.True(Pixels.Count(bmp, Pixels.Near("#FF7F0E")) > 300, "no bf16-fused line");
    }

    [Fact]
    public void TimelineMarksFailedRequestsInRed()
    {
        using SKBitmap fp32 = Pixels.Load(run.Chart("timeline_fp32-fused.png"));
        using SKBitmap bf16 = Pixels.Load(run.Chart("timeline_bf16-fused.png"));
        Func<SKColor, bool> red = Pixels.Near("#D62728");

        // Both have the red legend swatch; only fp32-fused (requests 5 and 41 failed, the first 60 shown) has red bars
        // and crosses on top of it.
        int legend = Pixels.Count(bf16, red);
        int withFailures = Pixels.Count(fp32, red);
        Assert.True(withFailures > legend + 40, $"red pixels: fp32 {withFailures}, bf16 {legend}");
        Assert.True(Pixels.Count(fp32, Pixels.Near("#4E79A7")) > 2000, "decode bars missing");
        Assert.True(Pixels.Count(fp32, Pixels.Near("#F28E2B")) > 1000, "prefill bars missing");
    }

    [Fact]
    public void SvgsHoldTheirLabelsAsText()
    {
        List<string> ttft = SvgTexts(run.Chart("ttft_cdf.svg"));
        Assert.Contains("time to first token (ms)", ttft);
        Assert.Contains("fraction of requests", ttft);
        Assert.Contains("TTFT distribution per variant", ttft);
        Assert.Contains("fp32-fused (n=78)", ttft);
        Assert.Contains("bf16-fused (n=70)", ttft);

        List<string> bars = SvgTexts(run.Chart("output_throughput.svg"));
        Assert.Contains("output tokens/s", bars);
        Assert.Contains("fp32-fused", bars);
        Assert.Contains("bf16-fused", bars);

        List<string> timeline = SvgTexts(run.Chart("timeline_fp32-fused.svg"));
        Assert.Contains("time since first shown request was scheduled (ms)", timeline);
        Assert.Contains("failed request (x = end)", timeline);
    }

    [Fact]
    public void LatencyTableShowsTheIndependentlyComputedPercentiles()
    {
        foreach ((string name, List<RequestRecord> records) in new[] { ("fp32-fused", run.Fp32), ("bf16-fused", run.Bf16) })
        {
            string Cell(string column) => MarkdownTable.Cell(run.Markdown, "Latency (ms)", name, column);
            Assert.Equal(F2(RunBuilder.NearestRank(RunBuilder.Ttfts(records), 99)), Cell("TTFT p99"));
            Assert.Equal(F2(RunBuilder.NearestRank(RunBuilder.Ttfts(records), 50)), Cell("TTFT p50"));
            Assert.Equal(F2(RunBuilder.NearestRank(RunBuilder.Tpots(records), 99)), Cell("TPOT p99"));
            Assert.Equal(F2(RunBuilder.NearestRank(RunBuilder.Itls(records), 99)), Cell("ITL p99"));
            Assert.Equal(F2(RunBuilder.NearestRank(RunBuilder.E2es(records), 99)), Cell("E2E p99"));
        }

        // The two variants really differ, so a swapped row would fail.
        Assert.NotEqual(
            MarkdownTable.Cell(run.Markdown, "Latency (ms)", "fp32-fused", "TPOT p99"),
            MarkdownTable.Cell(run.Markdown, "Latency (ms)", "bf16-fused", "TPOT p99"));
    }

    [Fact]
    public void RequestCountsShowFailuresAndWarmups()
    {
        Assert.Equal("80", MarkdownTable.Cell(run.Markdown, "Requests", "fp32-fused", "measured"));
        Assert.Equal("78", MarkdownTable.Cell(run.Markdown, "Requests", "fp32-fused", "completed"));
        Assert.Equal("2", MarkdownTable.Cell(run.Markdown, "Requests", "fp32-fused", "failed"));
        Assert.Equal("3", MarkdownTable.Cell(run.Markdown, "Requests", "fp32-fused", "warm-up excluded"));
        Assert.Equal("0", MarkdownTable.Cell(run.Markdown, "Requests", "bf16-fused", "failed"));

        (_, List<string[]> failed) = MarkdownTable.Under(run.Markdown, "Failed requests");
        Assert.Equal(["fp32-fused-005", "fp32-fused-041"], failed.Select(r => r[1]));
        Assert.Contains("engine error on fp32-fused-041", run.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownCarriesRunContextMemoryValidityAndDefinitions()
    {
        string md = run.Markdown;
        Assert.StartsWith("# Run report: test-scenario", md, StringComparison.Ordinal);
        Assert.Contains("Run complete", md, StringComparison.Ordinal);
        Assert.Contains("TTFT <= 400 ms, TPOT <= 50 ms", md, StringComparison.Ordinal);
        Assert.Contains("Test CPU @ 3 GHz", md, StringComparison.Ordinal);
        Assert.Contains("abc1234", md, StringComparison.Ordinal);
        Assert.Contains("0.50 0.40 0.30", md, StringComparison.Ordinal);
        Assert.Contains("built by RunBuilder", md, StringComparison.Ordinal);
        Assert.Equal("540.0", MarkdownTable.Cell(md, "Memory (MiB)", "fp32-fused", "weights"));
        Assert.Equal("12.0", MarkdownTable.Cell(md, "Memory (MiB)", "fp32-fused", "KV cache peak"));
        Assert.Equal("900.0", MarkdownTable.Cell(md, "Memory (MiB)", "fp32-fused", "peak RSS"));
        Assert.Equal("1.25", MarkdownTable.Cell(md, "Throughput and goodput", "bf16-fused", "generator lateness p99 (ms)"));
        Assert.Equal("NOT VALID (too few samples)", MarkdownTable.Cell(md, "Validity (MLPerf early stopping)", "fp32-fused", "verdict"));
        Assert.Equal("ITL (inter_token_latency)", MarkdownTable.Cell(md, "Metric definitions", "tpot_ms", "GuideLLM name"));

        double fp32Rate = run.Result.Variants[0].Metrics.OutputTokensPerS;
        Assert.Equal(fp32Rate.ToString("F2", CultureInfo.InvariantCulture), MarkdownTable.Cell(md, "Throughput and goodput", "fp32-fused", "output tok/s"));
        foreach (string name in AllChartNames)
        {
            Assert.Contains($"](charts/{name}.png)", md, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HtmlIsSelfContainedAndLinksEveryPng()
    {
        string html = run.Html;
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        foreach (string png in Directory.EnumerateFiles(Path.Combine(run.Directory, "charts"), "*.png"))
        {
            Assert.Contains($"<img src=\"charts/{Path.GetFileName(png)}\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(Directory.EnumerateFiles(Path.Combine(run.Directory, "charts"), "*.png").Count(), ImgTag().Count(html));
        string ttftP99 = F2(RunBuilder.NearestRank(RunBuilder.Ttfts(run.Fp32), 99));
        Assert.Contains($"<td class=\"num\">{ttftP99}</td>", html, StringComparison.Ordinal);
        Assert.Contains("fp32-fused-041", html, StringComparison.Ordinal);
    }

    private static List<string> SvgTexts(string path) =>
        [.. SvgText().Matches(File.ReadAllText(path)).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value.Trim()))];

    private static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    [GeneratedRegex("<text[^>]*>(.*?)</text>", RegexOptions.Singleline)]
    private static partial Regex SvgText();

    [GeneratedRegex("<img ")]
    private static partial Regex ImgTag();
}
