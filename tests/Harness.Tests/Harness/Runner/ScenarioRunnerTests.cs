using Harness.Engines;
using Harness.Metrics;
using Harness.Results;
using Harness.Runner;
using Harness.Scenarios;

namespace Harness.Tests.Harness.Runner;

public sealed class ScenarioRunnerTests
{
    private const string TwoVariants = """
        name: fake
        model: preset:tiny
        engine:
          matrix:
            precision: [fp32, bf16]
        workload:
          requests: 5
          input_tokens: {dist: uniform, min: 4, max: 12}
          output_tokens: 3
        load:
          pattern: single
        warmup: 2
        repetitions: 2
        seed: 3
        """;

    [Fact]
    public async Task WarmupRecordsAreMarkedAndExcludedFromStatistics()
    {
        var engines = new List<FakeEngine>();
        RunOutcome outcome = await Run(RunnerTestData.Scenario(TwoVariants), engines);

        Assert.True(outcome.Result.Complete);
        Assert.Equal(["fp32", "bf16"], outcome.Result.Variants.Select(v => v.Name));
        foreach (VariantResult v in outcome.Result.Variants)
        {
            Assert.Null(v.Error);
            Assert.Equal((10, 10, 0, 2), (v.Metrics.Measured, v.Metrics.Completed, v.Metrics.Failed, v.Metrics.WarmupExcluded));
            Assert.Equal(10, v.Metrics.TtftMs.Count);
            Assert.Equal(2, outcome.Records.Count(r => r.Variant == v.Name && r.IsWarmup));
            Assert.Equal(1000, v.Memory.WeightsBytes);
        }

        Assert.Equal(24, outcome.Records.Count);
        Assert.Equal(["fp32", "bf16"], engines.Select(e => e.Options!.Precision));
        Assert.All(engines, e => Assert.True(e.Disposed));
        Assert.Contains(VariantSummaryNote, outcome.Result.Notes);
    }

    [Fact]
    public async Task AVariantThatNamesAModelIsBuiltFromItAndTheOthersFromTheScenarios()
    {
        string scenario = TwoVariants.Replace("    precision: [fp32, bf16]", "    model: [preset:tiny, \"hf:students/tiny-2l\"]\n    precision: [fp32]", StringComparison.Ordinal);
        var models = new List<string>();
        RunOutcome outcome = await new ScenarioRunner(RunnerTestData.Scenario(scenario), new ScenarioRunnerOptions
        {
            Environment = Environment,
            Registry = new TestEngineFactory((model, o) =>
            {
                models.Add(model);
                Assert.False(o.Values.Given.ContainsKey("model"), "the model reached the engine as an engine option");
                return new FakeEngine();
            }).Registry(),
        }).RunAsync();

        Assert.Equal(["preset:tiny", "hf:students/tiny-2l"], models);
        Assert.Equal(["preset:tiny", "hf:students/tiny-2l"], outcome.Result.Variants.Select(v => v.Name));
        Assert.Equal("hf:students/tiny-2l", outcome.Result.Variants[1].Config["model"]);
    }

    [Fact]
    public async Task AVariantWhoseEngineCannotBeBuiltIsMarkedAndTheRunGoesOn()
    {
        RunOutcome outcome = await new ScenarioRunner(RunnerTestData.Scenario(TwoVariants), new ScenarioRunnerOptions
        {
            Environment = Environment,
            Registry = new TestEngineFactory((_, o) => o.Precision == "fp32" ? throw new EngineException("no such checkpoint") : new FakeEngine()).Registry(),
        }).RunAsync();

        Assert.True(outcome.Result.Complete);
        VariantResult failed = outcome.Result.Variants[0];
        Assert.Contains("no such checkpoint", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, failed.Metrics.Measured);
        Assert.Null(outcome.Result.Variants[1].Error);
        Assert.Equal(10, outcome.Result.Variants[1].Metrics.Completed);
    }

    [Theory]
    [InlineData("kv_budget_bytez: 5", "variant 'fp32': engine 'llama' has no option 'kv_budget_bytez' (its options: precision, attention,")]
    [InlineData("prefix_cache: on", "variant 'fp32': prefix_cache needs kv_layout: paged")]
    public async Task ABadEngineOptionRefusesTheScenarioBeforeAnythingRuns(string option, string message)
    {
        // The real registry checks the options, and must do so before it loads any model.
        Scenario scenario = RunnerTestData.Scenario(TwoVariants.Replace("engine:\n", $"engine:\n  options:\n    {option}\n", StringComparison.Ordinal));
        HarnessInputException ex = await Assert.ThrowsAsync<HarnessInputException>(() => new ScenarioRunner(scenario, new ScenarioRunnerOptions { Environment = Environment }).RunAsync());
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task CancellingReturnsFinishedRecordsAsAnIncompleteRun()
    {
        Scenario scenario = RunnerTestData.Scenario(TwoVariants);
        using var cts = new CancellationTokenSource();
        int built = 0;
        RunOutcome outcome = await new ScenarioRunner(scenario, new ScenarioRunnerOptions
        {
            Environment = Environment,
            Progress = new CancelAfterMeasured(cts, 3),
            Registry = new TestEngineFactory((_, o) =>
            {
                built++;
                return new FakeEngine() { PerToken = TimeSpan.FromMilliseconds(2) };
            }).Registry(),
        }).RunAsync(cts.Token);

        Assert.False(outcome.Result.Complete);
        Assert.Equal(1, built);
        Assert.Equal(2, outcome.Records.Count(r => r.IsWarmup));
        Assert.Equal(3, outcome.Records.Count(r => !r.IsWarmup));
        Assert.Equal(3, Assert.Single(outcome.Result.Variants).Metrics.Completed);
        Assert.Contains(outcome.Result.Notes, n => n.StartsWith("interrupted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SweepRunsSingleOfflineThenPoissonPointsInBetween()
    {
        Scenario scenario = RunnerTestData.Scenario("""
            model: preset:tiny
            workload:
              requests: 6
              input_tokens: 4
              output_tokens: 3
            load:
              pattern: sweep
              sweep_steps: 2
            warmup: 1
            """);
        RunOutcome outcome = await new ScenarioRunner(scenario, new ScenarioRunnerOptions
        {
            Environment = Environment,
            Registry = new TestEngineFactory((_, o) => new FakeEngine() { Serial = true, Prefill = TimeSpan.FromMilliseconds(5), PerToken = TimeSpan.FromMilliseconds(2) }).Registry(),
        }).RunAsync();

        IReadOnlyList<VariantResult> points = outcome.Result.Variants;
        Assert.Equal(4, points.Count);
        Assert.Equal(("default@single", "single"), (points[0].Name, points[0].LoadPoint));
        Assert.Equal(("default@offline", "offline"), (points[1].Name, points[1].LoadPoint));
        Assert.All(points.Skip(2), p => Assert.Matches(@"^default@[0-9.]+rps$", p.Name));
        Assert.All(points.Skip(2), p => Assert.StartsWith("poisson(rate=", p.LoadPoint, StringComparison.Ordinal));
        Assert.All(points, p => Assert.Equal(6, p.Metrics.Completed));
        Assert.Equal(1, points[0].Metrics.WarmupExcluded);

        // Rates lie strictly between the single-stream and saturated request rates.
        double low = Math.Min(points[0].Metrics.RequestsPerS, points[1].Metrics.RequestsPerS);
        double high = Math.Max(points[0].Metrics.RequestsPerS, points[1].Metrics.RequestsPerS);
        foreach (VariantResult p in points.Skip(2))
        {
            double rate = double.Parse(p.Name["default@".Length..^"rps".Length], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(rate, low - 0.001, high + 0.001);
        }
    }

    [Fact]
    public async Task SloBoundsAreJudgedByEarlyStopping()
    {
        Scenario scenario = RunnerTestData.Scenario(TwoVariants + "\nslo:\n  ttft_ms: 5000\n  tpot_ms: 1000\n");
        RunOutcome outcome = await Run(scenario, []);

        EarlyStoppingVerdict ttft = outcome.Result.Variants[0].Validity.Single(v => v.Metric == "ttft_ms");
        Assert.Equal(5000, ttft.BoundMs);
        Assert.Equal(10, ttft.Samples);
        Assert.Equal(0, ttft.Overlatency);

        // p99 at 99 % confidence needs 459 samples with none over the bound; 10 cannot support the claim.
        Assert.Equal(459, ttft.MinimumSamples);
        Assert.False(ttft.Valid);
        Assert.Equal(1.0, outcome.Result.Variants[0].Metrics.SloAttainment);
        Assert.NotNull(outcome.Result.Slo);
    }

    [Fact]
    public async Task BadEngineOptionFailsBeforeAnyEngineIsBuilt()
    {
        Scenario scenario = RunnerTestData.Scenario(TwoVariants.Replace("precision: [fp32, bf16]", "precision: [fp32]\n  options:\n    max_batch: lots", StringComparison.Ordinal));
        int built = 0;
        var runner = new ScenarioRunner(scenario, new ScenarioRunnerOptions { Environment = Environment, Registry = new TestEngineFactory((_, o) => { built++; return new FakeEngine(); }).Registry() });

        var ex = await Assert.ThrowsAsync<HarnessInputException>(() => runner.RunAsync());
        Assert.Contains("max_batch", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, built);
    }

    [Fact]
    public async Task EndToEndOnTheTinyPresetProducesMeasuredVariants()
    {
        Scenario scenario = RunnerTestData.Scenario("""
            name: tiny-e2e
            model: preset:tiny
            engine:
              matrix:
                attention: [fused, unfused]
              options:
                max_context: 64
                threads: 1
            workload:
              requests: 4
              input_tokens: {dist: uniform, min: 8, max: 16}
              output_tokens: {dist: uniform, min: 4, max: 8}
            load:
              pattern: concurrency
              concurrency: 2
            warmup: 1
            seed: 11
            """);
        RunOutcome outcome = await new ScenarioRunner(scenario, new ScenarioRunnerOptions { Environment = Environment }).RunAsync();

        Assert.True(outcome.Result.Complete);
        Assert.Equal(["fused", "unfused"], outcome.Result.Variants.Select(v => v.Name));
        foreach (VariantResult v in outcome.Result.Variants)
        {
            Assert.Null(v.Error);
            Assert.Equal((4, 4, 0, 1), (v.Metrics.Measured, v.Metrics.Completed, v.Metrics.Failed, v.Metrics.WarmupExcluded));
            Assert.True(v.Metrics.OutputTokensPerS > 0);
            Assert.True(v.Metrics.RequestsPerS > 0);
            Assert.True(v.Memory.WeightsBytes > 0);
            Assert.True(v.Memory.PeakRssBytes > 0);
        }

        Assert.Equal(10, outcome.Records.Count);
        Assert.All(outcome.Records, r => Assert.True(r.Succeeded, r.Error));

        // Fixed output lengths: EOS is ignored, so every request produced exactly what the workload asked for.
        Assert.All(outcome.Records, r => Assert.InRange(r.OutputTokens, 4, 8));
        Assert.Contains("llama-torchsharp", outcome.Result.Engine, StringComparison.Ordinal);
    }

    private const string VariantSummaryNote = global::Harness.Metrics.VariantSummary.ExclusionNote;

    private static RunEnvironment Environment { get; } = new("test cpu", 2, 1, "test os", "test .net", new Dictionary<string, string>(), null, "0 0 0");

    private static Task<RunOutcome> Run(Scenario scenario, List<FakeEngine> engines) =>
        new ScenarioRunner(scenario, new ScenarioRunnerOptions
        {
            Environment = Environment,
            Registry = new TestEngineFactory((_, o) =>
            {
                var e = new FakeEngine { Options = o, PerToken = TimeSpan.FromMilliseconds(1) };
                engines.Add(e);
                return e;
            }).Registry(),
        }).RunAsync();
}
