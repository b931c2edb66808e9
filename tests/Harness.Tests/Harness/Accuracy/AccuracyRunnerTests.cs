using Harness.Engines;
using Harness.Results;
using Harness.Runner;
using Harness.Tests.Harness.Runner;

namespace Harness.Tests.Harness.Accuracy;

/// <summary>How the runner builds the reference and treats its failures, with engines whose outputs the test sets.</summary>
public sealed class AccuracyRunnerTests
{
    private const string Scenario = """
        name: greedy
        model: preset:tiny
        engine:
          matrix:
            precision: [bf16, int8]
          options:
            max_context: 512
        workload:
          requests: 2
          input_tokens: 4
          output_tokens: 3
        accuracy:
          greedy: {prompts: 5, tokens: 10, prompt_tokens: 6}
        warmup: 0
        seed: 4
        """;

    [Fact]
    public async Task WithoutAReferenceVariantTheReferenceIsAnFp32BuildOfTheFirstVariantsOptions()
    {
        var built = new List<TestEngineOptions>();

        // int8 goes wrong from its seventh generated token on; bf16 and the reference agree everywhere.
        RunOutcome outcome = await RunAsync(o =>
        {
            built.Add(o);
            return new TokenScriptEngine((r, i) => o.Precision == "int8" && i >= 6 ? 2 : TokenScriptEngine.Default(r, i));
        });

        TestEngineOptions reference = built[0];
        Assert.Equal(("fp32", "continuous", 5, 512), (reference.Precision, reference.Batching, reference.MaxBatch, reference.MaxContext));
        Assert.Equal(["fp32", "bf16", "int8"], built.Select(o => o.Precision));
        AccuracySetup setup = outcome.Result.Accuracy!;
        Assert.Equal(("fp32 (options of variant bf16)", null), (setup.Reference, setup.ReferenceVariant));
        Assert.Equal(1000, setup.ReferenceWeightsBytes);
        VariantAccuracy bf16 = outcome.Result.Variants[0].Accuracy!;
        VariantAccuracy int8 = outcome.Result.Variants[1].Accuracy!;
        Assert.False(bf16.IsReference);
        Assert.Equal((10.0, 5, 50L), (bf16.GreedyMatchTokens!.Value, bf16.GreedyMatchTokens.N, bf16.GreedyMatchTokens.Tokens!.Value));
        Assert.Equal((6.0, 6.0, 6.0), (int8.GreedyMatchTokens!.Value, int8.GreedyMatchTokens.CiLow, int8.GreedyMatchTokens.CiHigh));
        Assert.Null(int8.KlMean);
    }

    [Fact]
    public async Task AReferenceThatCannotBeBuiltCostsTheRunOnlyItsAccuracyFigures()
    {
        RunOutcome outcome = await RunAsync(o => o.Batching == "continuous" ? throw new EngineException("no memory for the reference") : new TokenScriptEngine());

        Assert.True(outcome.Result.Complete);
        Assert.Contains("no memory for the reference", outcome.Result.Accuracy!.Error, StringComparison.Ordinal);
        Assert.All(outcome.Result.Variants, v =>
        {
            Assert.Null(v.Error);
            Assert.Equal(2, v.Metrics.Completed);
            Assert.Null(v.Accuracy!.GreedyMatchTokens);
            Assert.Contains(v.Accuracy.Notes, n => n.StartsWith("kl_mean, top1_agreement, greedy_match_tokens: not measured: the reference outputs are missing", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task FidelityOnAnEngineWithoutTeacherForcedLogitsIsANoteNotAFailedRun()
    {
        RunOutcome outcome = await RunAsync(o => new TokenScriptEngine(), Scenario.Replace("greedy: {prompts: 5, tokens: 10, prompt_tokens: 6}", "fidelity: {sequences: 2, length: 8, prompt_tokens: 4}", StringComparison.Ordinal));

        // Not a failure: the reference still runs, and the figures that need logits say why they are absent.
        Assert.True(outcome.Result.Complete);
        Assert.Null(outcome.Result.Accuracy!.Error);
        Assert.Contains(outcome.Result.Accuracy.Methods, n => n.StartsWith("kl_mean, top1_agreement: n/a: engine token-script cannot score sequences", StringComparison.Ordinal));
        Assert.All(outcome.Result.Variants, v =>
        {
            Assert.Null(v.Accuracy!.KlMean);
            Assert.Contains(v.Accuracy.Notes, n => n.StartsWith("kl_mean, top1_agreement: n/a: engine token-script cannot score sequences", StringComparison.Ordinal));
        });
    }

    private static Task<RunOutcome> RunAsync(Func<TestEngineOptions, IInferenceEngine> build, string yaml = Scenario) =>
        new ScenarioRunner(RunnerTestData.Scenario(yaml), new ScenarioRunnerOptions
        {
            Environment = AccuracyTestData.Environment,
            Registry = new TestEngineFactory((_, o) => build(o)).Registry(),
        }).RunAsync();
}
