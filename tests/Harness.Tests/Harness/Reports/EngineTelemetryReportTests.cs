using Harness.Engines;
using Harness.Reports;
using Harness.Reports.Charts;
using Harness.Results;
using SkiaSharp;

namespace Harness.Tests.Harness.Reports;

[Collection(ReportTestCollection.Name)]
public sealed class EngineTelemetryReportTests(RenderedTelemetryRun run) : IClassFixture<RenderedTelemetryRun>
{
    [Fact]
    public void KvChartIsDrawnWithTheVariantsLinesAndATitle()
    {
        using SKBitmap bmp = Pixels.Load(run.Chart("kv_cache.png"));

        // "paged" is the first variant: Category10's first colour, for the used line (2 px across the plot) and the
        // dashed capacity line; the allocated line is the same colour, lighter.
        int blue = Pixels.Count(bmp, Pixels.Near("#1F77B4"));
        Assert.True(blue > 800, $"{blue} pixels of the variant's colour");
        int inked = Pixels.Count(bmp, Pixels.NonWhite);
        Assert.True(inked > bmp.Width * bmp.Height / 50, $"only {inked} pixels are not background");
        Assert.True(Pixels.Count(bmp, Pixels.Dark, Pixels.TitleStrip(bmp)) > 80, "no title text");
        Assert.True(File.Exists(run.Chart("kv_cache.svg")));
        Assert.Contains(run.Written, p => p.EndsWith(Path.Combine("charts", "kv_cache.png"), StringComparison.Ordinal));
    }

    [Fact]
    public void KvSectionTabulatesTheFiguresAndShowsTheChartOnce()
    {
        string Cell(string column) => MarkdownTable.Cell(run.Markdown, "KV cache and scheduler", "paged", column);

        Assert.Equal("paged", Cell("layout"));
        Assert.Equal("16", Cell("block size"));
        Assert.Equal("40.0", Cell("peak used (MiB)"));
        Assert.Equal("48.0", Cell("peak allocated (MiB)"));
        Assert.Equal("37.5 %", Cell("waste"));
        Assert.Equal("16.8 %", Cell("waste at peak"));
        Assert.Equal("4", Cell("preemptions"));
        Assert.Equal("30.0 %", Cell("prefix cache hit rate"));
        Assert.Equal("2.50", Cell("mean decode batch"));

        // "plain" reported no telemetry: no row for it.
        Assert.Single(MarkdownTable.Under(run.Markdown, "KV cache and scheduler").Rows);
        Assert.Equal(1, Count(run.Markdown, "](charts/kv_cache.png)"));
        Assert.True(run.Markdown.IndexOf("## KV cache and scheduler", StringComparison.Ordinal) < run.Markdown.IndexOf("](charts/kv_cache.png)", StringComparison.Ordinal));
        Assert.True(run.Markdown.IndexOf("](charts/kv_cache.png)", StringComparison.Ordinal) < run.Markdown.IndexOf("## Validity", StringComparison.Ordinal));
        Assert.Contains("KV cache and scheduler", run.Html, StringComparison.Ordinal);
        Assert.Contains("charts/kv_cache.png", run.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void KvSeriesIsInMiBAndSecondsFromTheRunOrigin()
    {
        long origin = RunBuilder.Ticks(1000);
        KvCacheSeries s = KvCacheSeries.From(run.Telemetry, origin);

        Assert.Equal(340, s.Seconds.Count);
        Assert.Equal(0.010, s.Seconds[0], 9);
        Assert.Equal(3.400, s.Seconds[^1], 9);
        Assert.Equal(10.0, s.UsedMiB[0], 6);
        Assert.Equal(40.0, s.UsedMiB[^1], 6);
        Assert.Equal(12.0, s.AllocatedMiB[0], 6);
        Assert.All(s.CapacityMiB, c => Assert.Equal(64.0, c));
    }

    [Fact]
    public void BucketedKvSeriesKeepsEveryPeak()
    {
        EngineStep Step(int i, long used, long allocated) => new(i, i * 100, (i * 100) + 100, 1, 0, 1, 0, used, allocated, 1000);
        var t = new VariantTelemetry("v", [], [Step(0, 10, 100), Step(1, 900, 950), Step(2, 20, 100), Step(3, 30, 400), Step(4, 5, 50), Step(5, 1, 10)]);

        KvCacheSeries s = KvCacheSeries.From(t, origin: 0, maxPoints: 3);

        Assert.Equal(6, s.Steps);
        Assert.Equal([900.0, 30.0, 5.0], s.UsedMiB.Select(v => v * 1048576));
        Assert.Equal([950.0, 400.0, 50.0], s.AllocatedMiB.Select(v => v * 1048576));

        // Each bucket sits at its last step's end.
        Assert.Equal([200, 400, 600], s.Seconds.Select(v => Math.Round(v * System.Diagnostics.Stopwatch.Frequency)));
    }

    [Fact]
    public void TimelineDrawsPreemptionsAndRecomputeInTheirColours()
    {
        string dir = Path.Combine(run.Directory, "timeline-compare");
        TimelineData with = TimelineData.Build("paged", run.Records, engineEvents: run.Telemetry.Events);
        TimelineData without = TimelineData.Build("paged", run.Records, engineEvents: [.. run.Telemetry.Events.Where(e => e.Kind != EngineEventKind.Preempted)]);
        using SKBitmap a = Pixels.Load(Path.Combine(dir, TimelineChart.Write(dir, "with", with).PngPath));
        using SKBitmap b = Pixels.Load(Path.Combine(dir, TimelineChart.Write(dir, "without", without).PngPath));

        Assert.Equal(4, with.PreemptionsShown);
        Func<SKColor, bool> pink = Pixels.Near("#FF9DA7");
        Func<SKColor, bool> red = Pixels.Near("#D62728");
        Assert.True(Pixels.Count(a, pink) > Pixels.Count(b, pink) + 500, $"pink: {Pixels.Count(a, pink)} vs {Pixels.Count(b, pink)}");
        Assert.True(Pixels.Count(a, red) > Pixels.Count(b, red) + 40, $"red: {Pixels.Count(a, red)} vs {Pixels.Count(b, red)}");
        Assert.True(Pixels.Count(a, Pixels.Near("#B07AA1")) > 500, "no recompute spans");
        Assert.True(File.Exists(run.Chart("timeline_paged.png")));
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
