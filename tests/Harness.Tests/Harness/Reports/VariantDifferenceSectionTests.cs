using System.Globalization;
using Harness.Cli;
using Harness.Metrics;
using Harness.Reports;
using Harness.Reports.Charts;
using Harness.Results;
using Harness.Statistics;
using Harness.Tests.Engines.Checkpoints;
using static Harness.Tests.Harness.Reports.RunBuilder;

namespace Harness.Tests.Harness.Reports;

/// <summary>The report's "Are the variants different?" section: the bootstrap verdicts of <c>compare</c>, stated plainly.</summary>
public sealed class VariantDifferenceSectionTests
{
    private const string Heading = VariantDifferenceSection.Heading;

    /// <summary>120 requests 100 ms apart: prefill about 40 ms, 8 tokens about 10 ms apart.</summary>
    private static readonly List<RequestRecord> Base = Synthetic("base", 120, prefillMs: 40, tpotMs: 10, tokens: 8, seed: 1);

    /// <summary>Base's draws with twice the prefill and twice the token gaps: TTFT p50 about 1.7x (queueing is not
    /// doubled), TPOT p50 exactly 2x up to tick rounding.</summary>
    private static readonly List<RequestRecord> Slow = Synthetic("slow", 120, prefillMs: 80, tpotMs: 20, tokens: 8, seed: 1);

    /// <summary>Base's records under another name.</summary>
    private static readonly List<RequestRecord> Twin = [.. Base.Select(r => r with { Id = "twin" + r.Id, Variant = "twin" })];

    [Fact]
    public void APlantedDifferenceIsSignificantWithTheChangeOfTheMediansAndItsInterval()
    {
        string md = Render(new RunBuilder().Add("base", Base).Add("slow", Slow));

        string[] ttft = Row(md, "slow", "ttft_ms.p50");
        double baseTtft = NearestRank(Ttfts(Base), 50);
        double slowTtft = NearestRank(Ttfts(Slow), 50);
        Assert.Equal("base", ttft[1]);
        Assert.Equal(baseTtft.ToString("F2", CultureInfo.InvariantCulture), ttft[4]);
        Assert.Equal(slowTtft.ToString("F2", CultureInfo.InvariantCulture), ttft[5]);
        Assert.Equal(Percent((slowTtft / baseTtft) - 1), ttft[6]);
        Assert.Equal("worse", ttft[3]);

        string[] tpot = Row(md, "slow", "tpot_ms.p50");
        Assert.Equal("+100.00%", tpot[6]);
        Assert.Equal("worse", tpot[3]);

        // The interval excludes 0 on the worse side and holds the point estimate.
        double[] ci = Interval(ttft[7]);
        Assert.True(ci[0] > 0 && ci[0] <= (slowTtft / baseTtft) - 1 && ci[1] >= (slowTtft / baseTtft) - 1, ttft[7]);

        // With an SLO set, goodput is a headline metric too.
        Assert.Equal(["ttft_ms.p50", "tpot_ms.p50", "output_tokens_per_s", "goodput_requests_per_s"], Rows(md).Select(r => r[2]));
        Assert.Contains("- slow differs from base: ttft_ms.p50 " + ttft[6] + " (worse), tpot_ms.p50 +100.00% (worse)", md, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be told apart", md, StringComparison.Ordinal);
    }

    [Fact]
    public void IdenticalVariantsAreSaidToBeIndistinguishableAtTheirSampleSize()
    {
        string md = Render(new RunBuilder { Slo = null }.Add("base", Base).Add("twin", Twin));

        List<string[]> rows = Rows(md);
        Assert.Equal(["ttft_ms.p50", "tpot_ms.p50", "output_tokens_per_s"], rows.Select(r => r[2]));
        Assert.All(rows, r => Assert.Equal(("0.00%", "no significant change"), (r[6], r[3])));
        Assert.Contains(
            "The variants cannot be told apart at this sample size (120 completed requests per variant): no headline metric of any variant differs significantly from base (the first variant).",
            md,
            StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheVariantThatDiffersIsCalledDifferentAndTheOtherIsSaidToBeAlike()
    {
        string md = Render(new RunBuilder().Add("base", Base).Add("twin", Twin).Add("slow", Slow));

        Assert.Contains("- twin cannot be told apart from base at this sample size (120 and 120 completed requests).", md, StringComparison.Ordinal);
        Assert.Contains("- slow differs from base: ttft_ms.p50 +", md, StringComparison.Ordinal);
        Assert.DoesNotContain("The variants cannot be told apart", md, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSectionComesRightAfterTheOverviewAndNamesTheComparisonsSettings()
    {
        string md = Render(new RunBuilder().Add("base", Base).Add("slow", Slow));

        int overview = md.IndexOf("| scenario |", StringComparison.Ordinal);
        int section = md.IndexOf("## " + Heading, StringComparison.Ordinal);
        Assert.True(overview >= 0 && overview < section && section < md.IndexOf("## Environment", StringComparison.Ordinal));
        BootstrapOptions d = BootstrapOptions.Default;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"95 % bootstrap interval over the per-request records ({d.Resamples} resamples, seed {d.Seed})"), md, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAccuracyReferenceIsTheBaselineWhenItIsAVariant()
    {
        RunResult result = new RunBuilder().Add("base", Base).Add("slow", Slow).Build() with
        {
            Accuracy = new AccuracySetup("slow", "slow", new Dictionary<string, string>(), 0, [], null),
        };

        string md = Markdown(result, [.. Base, .. Slow]);

        string[] row = Assert.Single(Rows(md), r => r[2] == "tpot_ms.p50");
        Assert.Equal(("base", "slow", "-50.00%", "better"), (row[0], row[1], row[6], row[3]));
        Assert.Contains("Each variant against slow (the accuracy reference)", md, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunOfOneVariantOrWithOnlyOneThatRanHasNoSection()
    {
        Assert.DoesNotContain(Heading, Render(new RunBuilder().Add("base", Base)), StringComparison.Ordinal);
        Assert.DoesNotContain(Heading, Render(new RunBuilder().Add("base", Base).Add("broken", [], error: "engine failed to load")), StringComparison.Ordinal);
    }

    [Fact]
    public void TheReportShowsTheIntervalsCompareOfTheRunPrints()
    {
        // Sub-millisecond token gaps, as a model of this size decodes alone: requests.csv keeps whole microseconds,
        // so the report written from the in-memory records must not print other digits than compare reading the file.
        List<RequestRecord> quick = Synthetic("base", 120, prefillMs: 3, tpotMs: 0.17, tokens: 8, seed: 3);
        List<RequestRecord> slow = Synthetic("slow", 120, prefillMs: 3, tpotMs: 0.19, tokens: 8, seed: 4);
        var builder = new RunBuilder().Add("base", quick).Add("slow", slow);
        using var dir = new TempDir();
        string run = Path.Combine(dir.Path, "run");
        ResultStore.Write(run, builder.Build(), builder.Records);
        string md = Render(builder);

        using var output = new StringWriter();
        CompareCommand.Run(run, run, [], false, ["base:slow"], BootstrapOptions.Default, output, TextWriter.Null);

        foreach (string metric in new[] { "ttft_ms.p50", "tpot_ms.p50", "output_tokens_per_s" })
        {
            string printed = output.ToString().Split('\n').Single(l => l.TrimStart().StartsWith(metric + " ", StringComparison.Ordinal));
            Assert.Contains(Row(md, "slow", metric)[7], printed, StringComparison.Ordinal);
        }

        Assert.Equal(md, Render(builder));
    }

    private static string Render(RunBuilder builder) => Markdown(builder.Build(), builder.Records);

    private static string Markdown(RunResult result, IReadOnlyList<RequestRecord> records) =>
        MarkdownReport.Render(ReportBuilder.Build(result, records, new ChartSet([], []), new ChartFontStatus(true, "test")));

    private static List<string[]> Rows(string md) => MarkdownTable.Under(md, Heading).Rows;

    private static string[] Row(string md, string variant, string metric) => Assert.Single(Rows(md), r => r[0] == variant && r[2] == metric);

    private static string Percent(double fraction) => (fraction * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + "%";

    private static double[] Interval(string cell) =>
        [.. cell.Trim('[', ']').Split(", ").Select(p => double.Parse(p.TrimEnd('%'), CultureInfo.InvariantCulture) / 100)];
}
