using Harness.Scenarios;
using Harness.Tests.Harness.Runner;
using Harness.Workloads;

namespace Harness.Tests.Harness.Workloads;

public sealed class WorkloadFactoryTests
{
    [Fact]
    public void SyntheticPlanIsSeededCappedByLimitsAndPromptsHaveTheDrawnLengths()
    {
        Scenario scenario = RunnerTestData.Scenario("""
            model: preset:tiny
            workload:
              requests: 12
              input_tokens: {dist: uniform, min: 32, max: 64}
              output_tokens: {dist: uniform, min: 2, max: 9}
            limits:
              max_requests: 10
            warmup: 3
            seed: 5
            """);
        WorkloadPlan plan = WorkloadFactory.Plan(scenario);
        WorkloadPlan again = WorkloadFactory.Plan(scenario);

        Assert.Equal(10, plan.Measured.Count);
        Assert.Equal(plan.Measured, again.Measured);
        Assert.All(plan.Measured, r => Assert.InRange(r.InputTokens, 32, 64));
        Assert.Contains(plan.Notes, n => n.Contains("max_requests", StringComparison.Ordinal));

        PreparedWorkload prepared = WorkloadFactory.Prepare(plan, 4096, new FakeTokenizer(), 1000);
        Assert.All(prepared.Measured, p => Assert.Equal(p.Request.InputTokens, p.PromptIds.Length));
        Assert.Equal(3, prepared.Warmup.Count);

        // Warm-up copies the first requests' shapes with prompts of its own.
        Assert.Equal(plan.Measured[0].InputTokens, prepared.Warmup[0].Request.InputTokens);
        Assert.NotEqual(prepared.Measured[0].PromptIds, prepared.Warmup[0].PromptIds);
        Assert.Equal(0, prepared.Clipped);
    }

    [Fact]
    public void TraceReplayIsTimeScaledAndClippedToTheEngineContext()
    {
        string trace = SharedData.Trace("azure-conv-2023.csv");
        Scenario scenario = RunnerTestData.Scenario($"""
            model: preset:tiny
            workload:
              trace: {trace}
              time_scale: 10
              max_requests: 20
            load:
              pattern: trace
            """);
        WorkloadPlan plan = WorkloadFactory.Plan(scenario);
        Assert.Equal(20, plan.Measured.Count);
        Assert.Equal(TimeSpan.Zero, plan.Measured[0].Arrival);
        Assert.Contains("time_scale 10", plan.Description, StringComparison.Ordinal);

        PreparedWorkload prepared = WorkloadFactory.Prepare(plan, 512, null, 512);

        // Conversation prompts average ~1,150 tokens: those that do not fit 512 are cut to input <= 511, input + output <= 512.
        int tooLong = plan.Measured.Count(r => r.InputTokens > 511 || r.InputTokens + r.OutputTokens > 512);
        Assert.True(tooLong > 0);
        Assert.Equal(tooLong, prepared.Clipped);
        Assert.Equal(tooLong, prepared.Measured.Count(p => p.Request.Clipped));
        Assert.All(prepared.Measured, p => Assert.True(p.Request.InputTokens <= 511 && p.Request.InputTokens + p.Request.OutputTokens <= 512));
        Assert.All(prepared.Measured, p => Assert.All(p.PromptIds, id => Assert.InRange(id, 3, 511)));
    }

    [Theory]
    [InlineData("trace: TRACE\n  length_scale: 0", "'workload.length_scale' must be a positive number")]
    [InlineData("requests: 4\n  input_tokens: 8\n  output_tokens: 8\n  length_scale: 0.5", "applies to trace replay only")]
    public void ABadLengthScaleIsBadInput(string workload, string message)
    {
        string yaml = $"model: preset:tiny\nworkload:\n  {workload.Replace("TRACE", SharedData.Trace("azure-conv-2023.csv"), StringComparison.Ordinal)}\nload:\n  pattern: offline\n";
        HarnessInputException ex = Assert.Throws<HarnessInputException>(() => RunnerTestData.Scenario(yaml));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingTraceIsBadInput()
    {
        Scenario scenario = RunnerTestData.Scenario("""
            model: preset:tiny
            workload:
              trace: no/such/trace.csv
            """);
        Assert.Throws<HarnessInputException>(() => WorkloadFactory.Plan(scenario));
    }
}
