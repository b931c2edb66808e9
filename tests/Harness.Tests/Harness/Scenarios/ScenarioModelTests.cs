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
    public void The_quickstart_runs_the_default_model_near_capacity_with_accuracy_against_no_batching()
    {
        Scenario s = ScenarioLoader.Load(RepositoryFiles.Path("scenarios", "quickstart.yaml"), []);
        Assert.Equal(ScenarioLoader.DefaultModel, s.Model);
        Assert.Equal(["none", "static", "continuous"], VariantMatrix.Expand(s.Engine).Select(v => v.Name));
        Assert.Equal("none", s.Accuracy!.Reference);

        // Closed loop with as many clients as a batch holds: the engine always has a full queue, so the policies differ.
        Assert.Equal(("concurrency", 16), (s.Load.Pattern, s.Load.Concurrency));
        Assert.All(VariantMatrix.Expand(s.Engine), v => Assert.Equal("16", v.Config["max_batch"]));
    }
}
