using Harness.Comparison;
using Harness.Metrics;
using Harness.Results;
using Harness.Statistics;
using Harness.Tests.Harness.Results;

namespace Harness.Tests.Harness.Comparison;

/// <summary><c>compare --pair BASELINE:CANDIDATE</c>: variants compared whatever their names, within one run or across two.</summary>
public sealed class VariantPairTests
{
    private static readonly BootstrapOptions Options = new(Resamples: 1000, Confidence: 0.95, Seed: 11);

    /// <summary>One run of "fast", "slow" (every latency 2x fast's) and "same" (fast's records renamed).</summary>
    private static readonly RunData OneRun = new("R", SampleRuns.Result(["fast", "slow", "same"]), SampleRuns.FastSlowSame(), []);

    [Fact]
    public void APairWithinOneRunMeasuresAPlantedTwofoldSlowdownAsSignificant()
    {
        RunComparison c = RunComparer.Compare(OneRun, OneRun, [], Options, ["fast:slow"]);

        VariantComparison v = Assert.Single(c.Variants);
        Assert.Equal(("fast", "slow", "fast:slow"), (v.Variant, v.CandidateVariant, v.Label));
        Assert.Equal((200, 200, 0, 0), (v.BaselineCompleted, v.CandidateCompleted, v.BaselineFailed, v.CandidateFailed));
        foreach (string key in new[] { "ttft_ms.p50", "ttft_ms.p99", "tpot_ms.p50", "itl_ms.p99", "e2e_ms.p50" })
        {
            BootstrapResult r = v.Find(key)!.Result!;
            Assert.Equal(1.0, r.RelativeChange, 6);
            Assert.Equal(ChangeVerdict.Worse, r.Verdict);
        }

        // Twice the time for the same tokens: half the throughput, and the interval far from 0.
        BootstrapResult tps = v.Find(MetricDefinitions.OutputTokensPerS)!.Result!;
        Assert.Equal(-0.5, tps.RelativeChange, 6);
        Assert.Equal(ChangeVerdict.Worse, tps.Verdict);
        Assert.True(tps.CiHigh < -0.4, $"CI {tps.CiLow}..{tps.CiHigh}");
    }

    [Fact]
    public void TwoVariantsMadeFromTheSameRecordsAreNoSignificantChange()
    {
        VariantComparison v = Assert.Single(RunComparer.Compare(OneRun, OneRun, [], Options, ["fast:same"]).Variants);

        Assert.Equal(ComparedMetrics.Defaults(withSlo: false).Count, v.Metrics.Count);
        Assert.All(v.Metrics, m =>
        {
            Assert.Equal(0, m.Result!.RelativeChange);
            Assert.Equal(ChangeVerdict.NoSignificantChange, m.Result.Verdict);
        });
    }

    [Fact]
    public void OnlyTheListedPairsAreComparedInTheirOrderWithNoWarningForTheirDifferentOptions()
    {
        // SampleRuns gives each variant its own options (precision = its name): paired variants differ by design.
        RunComparison c = RunComparer.Compare(OneRun, OneRun, [], Options, ["slow:fast", "fast:same", "slow:fast"]);

        Assert.Equal(["slow:fast", "fast:same"], c.Variants.Select(v => v.Label));
        Assert.Empty(c.Warnings);
        Assert.Empty(c.OnlyInBaseline);
        Assert.Empty(c.OnlyInCandidate);

        // Reversed, the slowdown is a halving of latency: better.
        Assert.Equal(-0.5, c.Variants[0].Find("ttft_ms.p50")!.Result!.RelativeChange, 6);
        Assert.Equal(ChangeVerdict.Better, c.Variants[0].Find("ttft_ms.p50")!.Result!.Verdict);
    }

    [Fact]
    public void APairAcrossTwoRunsMatchesDifferentlyNamedVariants()
    {
        List<RequestRecord> records = SampleRuns.Lognormal("fp32", 200, seed: 3);
        var before = new RunData("a", SampleRuns.Result(["fp32"]), records, []);
        var after = new RunData("b", SampleRuns.Result(["fp32-v2"]), [.. SampleRuns.Scaled(records, 1.10).Select(r => r with { Variant = "fp32-v2" })], []);

        RunComparison c = RunComparer.Compare(before, after, [RegressionGate.Parse("e2e_ms.p50:5")], Options, ["fp32:fp32-v2"]);

        VariantComparison v = Assert.Single(c.Variants);
        Assert.Equal(0.10, v.Find("e2e_ms.p50")!.Result!.RelativeChange, 3);
        GateOutcome gate = Assert.Single(c.Gates);
        Assert.Equal(("fp32:fp32-v2", GateStatus.Failed), (gate.Variant, gate.Status));
        Assert.Equal(1, c.ExitCode);
    }

    [Fact]
    public void APairOfOneNameInBothRunsIsTheMatchByName()
    {
        RunData a = new("a", SampleRuns.Result(["fp32"]), SampleRuns.Lognormal("fp32", 100, seed: 1), []);
        RunData b = new("b", SampleRuns.Result(["fp32"]), SampleRuns.Lognormal("fp32", 100, seed: 2), []);

        VariantComparison byName = RunComparer.Compare(a, b, [], Options).Variants.Single();
        VariantComparison paired = RunComparer.Compare(a, b, [], Options, ["fp32:fp32"]).Variants.Single();

        Assert.Null(paired.CandidateVariant);
        Assert.Equal(byName.Metrics.Select(m => (m.Metric, m.Result)), paired.Metrics.Select(m => (m.Metric, m.Result)));
    }

    [Fact]
    public void AVariantNameWithAColonStillPairs()
    {
        var run = new RunData("R", SampleRuns.Result(["fp32", "int4:g32"]), [.. SampleRuns.Lognormal("fp32", 20, 1), .. SampleRuns.Lognormal("int4:g32", 20, 2)], []);

        Assert.Equal(new VariantPair("fp32", "int4:g32"), VariantPair.Resolve("fp32:int4:g32", run, run));
        Assert.Equal(new VariantPair("int4:g32", "fp32"), VariantPair.Resolve(" int4:g32 : fp32 ", run, run));
    }

    [Theory]
    [InlineData("fast:nope", "--pair 'fast:nope': no variant 'nope' in R (it has fast, slow, same)")]
    [InlineData("nope:fast", "--pair 'nope:fast': no variant 'nope' in R (it has fast, slow, same)")]
    [InlineData("fast", "bad --pair 'fast': expected BASELINE:CANDIDATE variant names, e.g. none:continuous")]
    [InlineData("fast:", "bad --pair 'fast:': expected BASELINE:CANDIDATE variant names, e.g. none:continuous")]
    public void AnUnknownOrMalformedPairIsOneLineNamingTheVariantsThereAre(string spec, string message)
    {
        var ex = Assert.Throws<HarnessInputException>(() => RunComparer.Compare(OneRun, OneRun, [], Options, [spec]));

        Assert.Equal(message, ex.Message);
    }
}
