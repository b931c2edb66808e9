using Harness.Metrics;
using Harness.Reports;
using Harness.Reports.Charts;
using Harness.Results;

namespace Harness.Tests.Harness.Reports;

public sealed class ChartDataTests
{
    [Fact]
    public void CdfIsAStaircaseOverSortedValues()
    {
        (double[] xs, double[] ys) = CdfChart.StepPoints([30, 10, double.NaN, 20]);

        Assert.Equal([10, 10, 20, 20, 30, 30], xs);
        Assert.Equal([0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 2 / 3.0, 1], ys);
        Assert.Empty(CdfChart.StepPoints([]).Xs);
    }

    [Fact]
    public void SweepPointsAreGroupedByBaseVariantInRunOrder()
    {
        VariantResult[] variants =
        [
            Variant("fp32-fused@1rps", rate: 10, p99: 100),
            Variant("bf16-fused@1rps", rate: 11, p99: 90),
            Variant("fp32-fused@2rps", rate: 19, p99: 150),
            Variant("fp32-fused@4rps", rate: double.NaN, p99: 900),
            Variant("bf16-fused@2rps", rate: 21, p99: 120),
        ];

        IReadOnlyList<ThroughputLatencySeries> series = ThroughputLatencyChart.Series(variants, v => v.Metrics.OutputTokensPerS, v => v.Metrics.TtftMs.P99);

        Assert.Equal(["fp32-fused", "bf16-fused"], series.Select(s => s.BaseName));
        Assert.Equal([0, 1], series.Select(s => s.ColorIndex));

        // The NaN point (nothing completed at 4 rps) is dropped, not drawn at zero.
        Assert.Equal(["1rps", "2rps"], series[0].Points.Select(p => p.Label));
        Assert.Equal([10.0, 19.0], series[0].Points.Select(p => p.X));
        Assert.Equal([100.0, 150.0], series[0].Points.Select(p => p.Y));
        Assert.Equal([11.0, 21.0], series[1].Points.Select(p => p.X));
    }

    [Fact]
    public void VariantNamesSplitSweepPointsAndMakeSafeFileNames()
    {
        Assert.Equal("fp32-fused", VariantNames.BaseName("fp32-fused@1.25rps"));
        Assert.Equal("1.25rps", VariantNames.PointLabel("fp32-fused@1.25rps"));
        Assert.Equal("plain", VariantNames.BaseName("plain"));
        Assert.Null(VariantNames.PointLabel("plain"));
        Assert.Equal("fp32-fused_1.25rps", VariantNames.Slug("FP32-fused@1.25rps"));
        Assert.Equal("a_b_c", VariantNames.Slug("a/b c"));
        Assert.Equal("variant", VariantNames.Slug(".."));
    }

    [Fact]
    public void FontFilesAreFoundOnlyWhereBothWeightsExist()
    {
        string empty = Path.Combine(Path.GetTempPath(), "harness-no-fonts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            File.WriteAllText(Path.Combine(empty, ChartFonts.RegularFile), "not a font");
            Assert.Null(ChartFonts.FindFontFiles([empty]));
            (string regular, string bold) = ChartFonts.FindFontFiles([empty, "/usr/share/fonts/truetype/dejavu"]) ?? throw new InvalidOperationException("DejaVu not installed");
            Assert.Equal("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", regular);
            Assert.Equal("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", bold);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    private static VariantResult Variant(string name, double rate, double p99) =>
        new(
            name,
            new Dictionary<string, string>(),
            VariantNames.PointLabel(name) ?? "-",
            new VariantSummary(new LatencySummary(10, p99, p99, p99, p99, p99, p99, 0), Empty, Empty, Empty, Empty, rate, rate, 1, null, null, 10, 10, 0, 0, 1),
            new VariantMemory(0, 0, 0, 0),
            0,
            [],
            null);

    private static LatencySummary Empty => new(0, 0, 0, 0, 0, 0, 0, 0);
}
