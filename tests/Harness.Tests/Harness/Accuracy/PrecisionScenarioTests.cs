using Harness.Results;
using Harness.Scenarios;

namespace Harness.Tests.Harness.Accuracy;

/// <summary>The committed precision scenarios parse with their accuracy sections, and committed runs read with and without accuracy.</summary>
public sealed class PrecisionScenarioTests
{
    [Fact]
    public void PrecisionScenarioComparesEveryPrecisionAgainstFp32WithEveryMeasurement()
    {
        Scenario s = ScenarioLoader.Load(RepositoryFiles.Path("scenarios", "precision.yaml"));

        Assert.Equal(["fp32", "bf16", "fp16", "int8", "int8-dynamic", "int4"], VariantMatrix.Expand(s.Engine).Select(v => v.Name));
        Assert.StartsWith("preset:", s.Model, StringComparison.Ordinal);
        AccuracySpec a = s.Accuracy!;
        Assert.Equal("fp32", a.Reference);
        Assert.NotNull(a.Fidelity);
        Assert.NotNull(a.Greedy);
        Assert.True(File.Exists(a.Perplexity!.Text));
        Assert.True(File.Exists(a.ExactMatch!.File));
        Assert.NotNull(a.LoadAgreement);
    }

    [Fact]
    public void Stories260KScenarioRunsTheTokenFreeMeasurementsOnly()
    {
        AccuracySpec a = ScenarioLoader.Load(RepositoryFiles.Path("scenarios", "precision-stories260k.yaml")).Accuracy!;

        Assert.NotNull(a.Fidelity);
        Assert.Null(a.Fidelity.Text);
        Assert.Null(a.Perplexity);
        Assert.Null(a.ExactMatch);
    }

    [Fact]
    public void TheCommittedPrecisionRunReadsBackWithItsAccuracy()
    {
        RunResult run = ResultStore.Load(RepositoryFiles.Path("results", "examples", "precision")).Result;

        Assert.Equal(("fp32", "fp32"), (run.Accuracy!.Reference, run.Accuracy.ReferenceVariant));
        Assert.All(run.Variants, v => Assert.NotNull(v.Accuracy));
        Assert.Equal(0.0, run.Variants[0].Accuracy!.KlMean!.Value);
        double Kl(string name) => run.Variants.Single(v => v.Name == name).Accuracy!.KlMean!.Value;
        Assert.True(Kl("int8") > Kl("bf16"), "int8 moves the distributions more than bf16");
        Assert.True(Kl("int4") > Kl("int8"), "int4 moves them more than int8");
    }

    [Theory]
    [InlineData("results/baselines/nightly")]
    public void RunsFromBeforeAccuracyStillLoad(string runDir)
    {
        RunResult run = ResultStore.Load(RepositoryFiles.Path(runDir)).Result;

        Assert.Null(run.Accuracy);
        Assert.All(run.Variants, v => Assert.Null(v.Accuracy));
    }
}
