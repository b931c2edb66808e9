using Harness.Reports;
using SkiaSharp;

namespace Harness.Tests.Harness.Reports;

[Collection(ReportTestCollection.Name)]
public sealed class TensorParallelReportTests(RenderedTensorParallelRun run) : IClassFixture<RenderedTensorParallelRun>
{
    private const string Section = TensorParallelSection.Heading;
    private const int Split = 0;
    private const int Decode = 1;
    private const int Prefill = 2;
    private const int PerRank = 3;
    private const int Scaling = 4;

    [Theory]

    // The split: per-rank figures listed in rank order only where ranks differ (9 heads over 2 ranks are 5/4).
    [InlineData(Split, "tp2", "heads per rank", "5/4")]
    [InlineData(Split, "tp4", "heads per rank", "3/2/2/2")]
    [InlineData(Split, "tp1", "heads per rank", "9")]
    [InlineData(Split, "tp2", "threads per rank", "1")]
    [InlineData(Split, "tp4", "cores", "2")]
    [InlineData(Split, "tp2", "weights per rank (MiB, max)", "256.0")]
    [InlineData(Split, "tp2", "KV bytes/token per rank (max)", "9216")]
    [InlineData(Split, "tp1", "vocabulary", "replicated")]

    // tp2 decodes in 25 ms a step: compute 18.75 and 16.25 ms (mean 17.5), communication 2.5 each, idle 3.75 and 6.25;
    // imbalance (18.75 - 17.5) / 18.75.
    [InlineData(Decode, "tp2", "passes", "100")]
    [InlineData(Decode, "tp2", "rows per step", "2.00")]
    [InlineData(Decode, "tp2", "wall ms", "25.000")]
    [InlineData(Decode, "tp2", "compute (mean)", "17.500")]
    [InlineData(Decode, "tp2", "compute (slowest)", "18.750")]
    [InlineData(Decode, "tp2", "communication (mean)", "2.500")]
    [InlineData(Decode, "tp2", "idle (mean)", "5.000")]
    [InlineData(Decode, "tp2", "all-reduces", "25")]
    [InlineData(Decode, "tp2", "all-reduce KiB", "200.0")]
    [InlineData(Decode, "tp2", "gather KiB", "192.0")]
    [InlineData(Decode, "tp2", "imbalance", "6.7 %")]
    [InlineData(Decode, "tp4", "imbalance", "20.0 %")]
    [InlineData(Decode, "tp1", "imbalance", "0.0 %")]

    // tp2 prefilled 128 tokens in 4 chunks of 80 ms: 400 tokens/s.
    [InlineData(Prefill, "tp2", "tokens per chunk", "32.00")]
    [InlineData(Prefill, "tp2", "wall ms", "80.000")]
    [InlineData(Prefill, "tp2", "tokens/s", "400.00")]
    [InlineData(Prefill, "tp2", "compute (mean)", "55.000")]
    [InlineData(Prefill, "tp2", "all-reduce KiB", "800.0")]
    [InlineData(Prefill, "tp2", "imbalance", "8.3 %")]

    // Against tp1 (40 ms a step, TPOT p50 30 ms): tp2 25 ms and 20 ms, tp4 50 ms and 50 ms; bf16-tp2 has no partner.
    [InlineData(Scaling, "tp2", "TP 1 variant", "tp1")]
    [InlineData(Scaling, "tp2", "decode speedup", "1.60x")]
    [InlineData(Scaling, "tp2", "decode efficiency", "80.0 %")]
    [InlineData(Scaling, "tp2", "TPOT speedup", "1.50x")]
    [InlineData(Scaling, "tp2", "TPOT efficiency", "75.0 %")]
    [InlineData(Scaling, "tp4", "decode speedup", "0.80x")]
    [InlineData(Scaling, "tp4", "decode efficiency", "20.0 %")]
    [InlineData(Scaling, "tp4", "TPOT efficiency", "15.0 %")]
    [InlineData(Scaling, "tp1", "decode efficiency", "100.0 %")]
    [InlineData(Scaling, "bf16-tp2", "TP 1 variant", "none: no TP 1 variant with the same other options and load")]
    [InlineData(Scaling, "bf16-tp2", "decode speedup", "n/a")]
    [InlineData(Scaling, "bf16-tp2", "TPOT efficiency", "n/a")]
    [InlineData(Scaling, "bf16-tp2", "decode ms/step", "24.000")]
    public void TablesShowTheHandComputedFigures(int table, string variant, string column, string expected) =>
        Assert.Equal(expected, MarkdownTable.Cell(run.Markdown, Section, variant, column, table));

    [Fact]
    public void EveryProfiledVariantHasARowAndOnlyThoseThatPrefilledAreInThePrefillTable()
    {
        string[] Variants(int table) => [.. MarkdownTable.Under(run.Markdown, Section, table).Rows.Select(r => r[0])];

        Assert.Equal(["tp1", "tp2", "tp4", "bf16-tp2"], Variants(Split));
        Assert.Equal(["tp1", "tp2", "tp4", "bf16-tp2"], Variants(Decode));
        Assert.Equal(["tp2"], Variants(Prefill));
        Assert.Equal(["tp1", "tp2", "tp4", "bf16-tp2"], Variants(Scaling));
    }

    [Fact]
    public void PerRankTableHasARowForEveryRank()
    {
        List<string[]> rows = MarkdownTable.Under(run.Markdown, Section, PerRank).Rows;

        Assert.Equal(1 + 2 + 4 + 2, rows.Count);
        string[] tp4Last = rows.Single(r => r[0] == "tp4" && r[1] == "3");

        // Rank 3 of tp4 at 50 ms: compute 0.45, communication 0.1 and idle 0.45 of the step; no prefill profiled.
        Assert.Equal(["22.500", "5.000", "22.500", "n/a", "n/a", "n/a"], tp4Last[2..]);
        Assert.Equal(["50.000", "5.000", "25.000"], rows.Single(r => r[0] == "tp2" && r[1] == "1")[5..]);
    }

    [Fact]
    public void OnlyTheOversubscribedVariantIsWarnedAbout()
    {
        string[] warnings = [.. run.Markdown.Split('\n').Where(l => l.StartsWith("> **Warning:**", StringComparison.Ordinal))];

        string warning = Assert.Single(warnings);
        Assert.Contains("tp4 runs tp 4 on 2 cores", warning, StringComparison.Ordinal);
        Assert.Contains("the cost of the split, not its speedup", warning, StringComparison.Ordinal);
        Assert.True(run.Markdown.IndexOf(warning, StringComparison.Ordinal) > run.Markdown.IndexOf("## " + Section, StringComparison.Ordinal));
        Assert.Contains("tp4 runs tp 4 on 2 cores", run.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartStacksComputeCommunicationAndIdleAndIsShownInTheSectionOnce()
    {
        using SKBitmap bmp = Pixels.Load(run.Chart("tensor_parallel_decode.png"));

        // Nine bars (1 + 2 + 4 + 2 ranks): compute is most of each, communication a tenth, idle the rest.
        int compute = Pixels.Count(bmp, Pixels.Near("#4E79A7"));
        int communication = Pixels.Count(bmp, Pixels.Near("#F28E2B"));
        int idle = Pixels.Count(bmp, Pixels.Near("#BAB0AC"));
        Assert.True(compute > 3 * communication, $"compute {compute}, communication {communication}");
        Assert.True(communication > 1000, $"communication {communication}");
        Assert.True(idle > communication, $"idle {idle}, communication {communication}");
        Assert.True(Pixels.Count(bmp, Pixels.Dark, Pixels.TitleStrip(bmp)) > 80, "no title text");
        Assert.True(File.Exists(run.Chart("tensor_parallel_decode.svg")));

        string link = "](charts/tensor_parallel_decode.png)";
        Assert.Equal(1, run.Markdown.Split(link).Length - 1);
        Assert.True(run.Markdown.IndexOf("## " + Section, StringComparison.Ordinal) < run.Markdown.IndexOf(link, StringComparison.Ordinal));
        Assert.True(run.Markdown.IndexOf(link, StringComparison.Ordinal) < run.Markdown.IndexOf("## Validity", StringComparison.Ordinal));
        Assert.Contains("charts/tensor_parallel_decode.png", run.Html, StringComparison.Ordinal);
        Assert.Contains(Section, run.Html, StringComparison.Ordinal);
    }
}
