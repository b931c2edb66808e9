using Harness.Scenarios;
using Harness.Tests.Harness.Runner;

namespace Harness.Tests.Harness.Scenarios;

/// <summary>A scenario that names no model runs the shipped default model; the committed quickstart is one.</summary>
public sealed class ScenarioModelTests
{
    [Fact]
    public void A_scenario_without_a_model_runs_the_default_model()
    {
        Scenario s = RunnerTestData.Scenario("""
            name: unnamed
            workload:
              requests: 2
              input_tokens: 8
              output_tokens: 3
            load:
              pattern: single
            """);
        Assert.Equal("default", s.Model);
    }

    [Fact]
    public void The_quickstart_runs_the_default_model_with_accuracy_against_fp32()
    {
        Scenario s = ScenarioLoader.Load(RepositoryFiles.Path("scenarios", "quickstart.yaml"), []);
        Assert.Equal(ScenarioLoader.DefaultModel, s.Model);
        Assert.Equal(["fp32-fused", "fp32-unfused", "bf16-fused", "bf16-unfused"], VariantMatrix.Expand(s.Engine).Select(v => v.Name));
        Assert.Equal("fp32-fused", s.Accuracy!.Reference);
    }
}
