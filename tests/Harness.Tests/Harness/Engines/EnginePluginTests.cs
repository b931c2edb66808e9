using Harness.Cli;
using Harness.Engines;
using Harness.Engines.Llama;
using Harness.Reports;
using Harness.Results;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Tests.Engines.Checkpoints;
using Harness.Tests.Harness.Runner;

namespace Harness.Tests.Harness.Engines;

/// <summary>
/// A second engine added through the registry alone (the test fake with an option schema of its own) runs beside the
/// real Llama engine in one scenario, each variant's options parsed by its own engine, into one report.
/// </summary>
public sealed class EnginePluginTests
{
    private const string SideBySide = """
        name: side-by-side
        model: preset:tiny
        engine:
          name: llama
          options:
            max_context: 64
          variants:
            ours: {threads: 1}
            fake: {engine: fake, delay_ms: 3}
        workload:
          requests: 4
          input_tokens: {dist: uniform, min: 8, max: 16}
          output_tokens: 6
        load:
          pattern: concurrency
          concurrency: 2
        warmup: 1
        seed: 7
        """;

    private static readonly RunEnvironment Environment = new("test cpu", 2, 1, "test os", "test .net", new Dictionary<string, string>(), null, "0 0 0");

    [Fact]
    public async Task Two_engines_run_side_by_side_into_one_report()
    {
        var built = new List<TestEngineOptions>();
        var fake = new TestEngineFactory((model, o) =>
        {
            built.Add(o);
            return new FakeEngine { Options = o, PerToken = o.Values.Duration("delay_ms") };
        });
        var registry = new EngineRegistry([new LlamaEngineFactory(), fake]);

        RunOutcome outcome = await new ScenarioRunner(RunnerTestData.Scenario(SideBySide), new ScenarioRunnerOptions { Environment = Environment, Registry = registry }).RunAsync();

        Assert.True(outcome.Result.Complete);
        Assert.Equal(["ours", "fake"], outcome.Result.Variants.Select(v => v.Name));
        Assert.All(outcome.Result.Variants, v => Assert.Equal((null, 4), (v.Error, v.Metrics.Completed)));

        // The fake parsed its own option (a duration) and the shared one, and never saw the Llama engine's threads.
        TestEngineOptions options = Assert.Single(built);
        Assert.Equal((TimeSpan.FromMilliseconds(3), 64), (options.Values.Duration("delay_ms"), options.MaxContext));
        Assert.False(options.Values.Given.ContainsKey("threads"));
        Assert.Equal("llama (llama-torchsharp on cpu); fake (fake on cpu)", outcome.Result.Engine);

        // Each token of the fake takes at least its delay, so its TPOT p50 cannot be below 3 ms.
        Assert.True(outcome.Result.Variants[1].Metrics.TpotMs.P50 >= 3, $"fake TPOT p50 {outcome.Result.Variants[1].Metrics.TpotMs.P50} ms");

        using var dir = new TempDir();
        RunReport.WriteAll(dir.Path, outcome.Result, outcome.Records);
        string report = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        Assert.Contains("| ours ", report, StringComparison.Ordinal);
        Assert.Contains("| fake ", report, StringComparison.Ordinal);
        Assert.Contains("llama (llama-torchsharp on cpu); fake (fake on cpu)", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fake: {engine: fake, kv_layout: paged}", "variant 'fake': engine 'fake' has no option 'kv_layout'")]
    [InlineData("fake: {engine: fake, delay_ms: soon}", "variant 'fake': option 'delay_ms' must be a duration")]
    [InlineData("fake: {engine: fakes}", "variant 'fake': unknown engine 'fakes' (available: llama, fake)")]
    public async Task Each_variant_is_checked_by_its_own_engine_before_anything_runs(string variant, string message)
    {
        int built = 0;
        var registry = new EngineRegistry([new LlamaEngineFactory(), new TestEngineFactory((_, _) => { built++; return new FakeEngine(); })]);
        Scenario scenario = RunnerTestData.Scenario(SideBySide.Replace("fake: {engine: fake, delay_ms: 3}", variant, StringComparison.Ordinal));

        HarnessInputException ex = await Assert.ThrowsAsync<HarnessInputException>(() => new ScenarioRunner(scenario, new ScenarioRunnerOptions { Environment = Environment, Registry = registry }).RunAsync());

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(0, built);
    }

    [Fact]
    public void List_shows_every_engine_with_its_options_types_and_defaults()
    {
        var registry = new EngineRegistry([new LlamaEngineFactory(), new TestEngineFactory((_, _) => new FakeEngine())]);
        using var text = new StringWriter();

        ListCommand.Write(text, "no-such-folder", registry);

        string listed = text.ToString();
        Assert.Contains("engine llama (default):", listed, StringComparison.Ordinal);
        Assert.Contains("engine fake: An engine a test builds", listed, StringComparison.Ordinal);
        Assert.Matches(@"\n    precision\s+choice \(fp32\|bf16\|fp16\|int8\|int8-dynamic\|int4\)\s+default fp32 ", listed);
        Assert.Matches(@"\n    kv_budget_bytes\s+size\s+default 0 ", listed);
        Assert.Matches(@"\n    tp \(also tensor_parallel\)\s+integer 1\.\.64\s+default 1 ", listed);
        Assert.Matches(@"\n    delay_ms\s+duration \(bare number: ms\) >= 0\s+default 0ms ", listed);
    }
}
