using Harness.Metrics;
using Harness.Reports;
using Harness.Reports.Charts;
using Harness.Results;
using static Harness.Tests.Harness.Reports.RunBuilder;
using static Harness.Tests.Harness.Reports.TensorParallelTestData;

namespace Harness.Tests.Harness.Reports;

/// <summary>A report leaves out the sections no variant has data for, and keeps them whole when one does.</summary>
[Collection(ReportTestCollection.Name)]
public sealed class SectionPresenceTests
{
    private const string TensorParallel = "## " + TensorParallelSection.Heading;

    [Fact]
    public void AtTensorParallelSizeOneEverywhereThereIsNoTensorParallelSectionOrChart()
    {
        // The Llama engine profiles its single rank too: a profile of size 1 is not a reason for the section.
        (RunResult result, IReadOnlyList<RequestRecord> records) = Run(("a", 1), ("b", 1));
        using var report = new Rendered(result, records);

        Assert.DoesNotContain(TensorParallel, report.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Tensor parallelism", report.Html, StringComparison.Ordinal);
        Assert.False(File.Exists(report.Chart("tensor_parallel_decode.png")));
        Assert.False(TensorParallelScaling.AnySplit(result.Variants));
    }

    [Fact]
    public void ATensorParallelSizeAboveOneBringsTheSectionWithItsSizeOneBaseline()
    {
        (RunResult result, IReadOnlyList<RequestRecord> records) = Run(("tp1", 1), ("tp2", 2));
        using var report = new Rendered(result, records);

        Assert.Contains(TensorParallel, report.Markdown, StringComparison.Ordinal);
        Assert.True(File.Exists(report.Chart("tensor_parallel_decode.png")));
        Assert.Equal(["tp1", "tp2"], MarkdownTable.Under(report.Markdown, TensorParallelSection.Heading).Rows.Select(r => r[0]));

        // Four tables: split, decode, per rank and scaling (no prefill was profiled); tp2 scales against tp1.
        Assert.Equal("tp1", MarkdownTable.Cell(report.Markdown, TensorParallelSection.Heading, "tp2", "TP 1 variant", 3));
    }

    [Fact]
    public void AFailedReferenceLeavesTheAccuracyWarningAndNoEmptyCompressionTable()
    {
        (RunResult built, IReadOnlyList<RequestRecord> records) = Run(("a", 1), ("b", 1));
        RunResult result = built with { Accuracy = new AccuracySetup("a", "a", new Dictionary<string, string>(), 0, [], "reference build failed: out of memory") };

        string md = Markdown(result, records);

        Assert.Contains("## Accuracy", md, StringComparison.Ordinal);
        Assert.Contains("reference build failed: out of memory", md, StringComparison.Ordinal);
        Assert.DoesNotContain("## Compression comparison", md, StringComparison.Ordinal);
    }

    [Fact]
    public void AccuracyWithoutTopOneOrKlHasItsComparisonTableButNoEmptySpeedCharts()
    {
        (RunResult built, IReadOnlyList<RequestRecord> records) = Run(("a", 1), ("b", 1));
        var perplexity = new AccuracyFigure(6.2, 6.0, 6.4, 8, "perplexity", "bootstrap over windows", 0.95);
        RunResult result = built with
        {
            Accuracy = new AccuracySetup("a", "a", new Dictionary<string, string>(), 0, ["perplexity only"], null),
            Variants = [.. built.Variants.Select(v => v with { Accuracy = new VariantAccuracy("a", v.Name == "a", [], Perplexity: perplexity) })],
        };
        using var report = new Rendered(result, records);

        Assert.Equal(["a", "b"], MarkdownTable.Under(report.Markdown, "Compression comparison").Rows.Select(r => r[0]));
        Assert.False(File.Exists(report.Chart("speed_vs_top1.png")));
        Assert.False(File.Exists(report.Chart("speed_vs_kl.png")));
        Assert.DoesNotContain("no variant has both figures", report.Markdown, StringComparison.Ordinal);
    }

    /// <summary>A run whose variants carry tensor-parallel profiles of the given sizes, with a "tp" option to match.</summary>
    private static (RunResult Result, IReadOnlyList<RequestRecord> Records) Run(params (string Name, int Tp)[] variants)
    {
        var builder = new RunBuilder();
        foreach ((string name, int tp) in variants)
        {
            builder.Add(name, Synthetic(name, 10, prefillMs: 40, tpotMs: 20, tokens: 6, seed: tp));
        }

        RunResult built = builder.Build();
        RunResult result = built with
        {
            Variants = [.. built.Variants.Zip(variants, (v, s) => Variant(v, s.Name, new Dictionary<string, string> { ["tp"] = $"{s.Tp}" }, Profile(s.Tp, 2, 40.0 / s.Tp), 20))],
        };
        return (result, builder.Records);
    }

    private static string Markdown(RunResult result, IReadOnlyList<RequestRecord> records) =>
        MarkdownReport.Render(ReportBuilder.Build(result, records, new ChartSet([], []), new ChartFontStatus(true, "test")));

    private sealed class Rendered : RenderedReport
    {
        public Rendered(RunResult result, IReadOnlyList<RequestRecord> records) => Render(result, records);
    }
}
