using System.Text.Json;
using Harness.Engines;
using Harness.Metrics;
using Harness.Reports;
using Harness.Results;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Tests.Engines.Checkpoints;

namespace Harness.Tests.Harness.Runner;

public sealed class EngineTelemetryRunTests
{
    // 5 requests of 3 output tokens, 2 warm-ups, 2 repetitions, one at a time: per request one prefill step and two
    // decode steps (30 measured and 6 warm-up steps per variant) and six events (queued, prefix hit, prefill, two
    // decodes, finished).
    private const string Scenario = """
        name: telemetry
        model: preset:tiny
        engine:
          matrix:
            precision: [fp32, bf16]
        workload:
          requests: 5
          input_tokens: {dist: uniform, min: 6, max: 12}
          output_tokens: 3
        load:
          pattern: single
        warmup: 2
        repetitions: 2
        seed: 5
        """;

    [Fact]
    public async Task ATelemetryEngineIsDrainedAroundEveryLoadRunAndSummarisedWithoutWarmup()
    {
        var engines = new List<TelemetryFakeEngine>();
        RunOutcome outcome = await Run(o =>
        {
            var e = new TelemetryFakeEngine(new FakeEngine() { PerToken = TimeSpan.FromMilliseconds(1) });
            engines.Add(e);
            return e;
        });

        // Once before the first load run, once after the warm-up, once after each repetition.
        Assert.Equal([4, 4], engines.Select(e => e.Drains));
        Assert.Equal(["fp32", "bf16"], outcome.Telemetry.Select(t => t.Variant));
        foreach (VariantResult v in outcome.Result.Variants)
        {
            VariantTelemetry t = outcome.Telemetry.Single(t => t.Variant == v.Name);
            List<RequestRecord> records = [.. outcome.Records.Where(r => r.Variant == v.Name)];
            List<RequestRecord> measured = [.. records.Where(r => !r.IsWarmup)];

            // The self-test recorded at build time was drained away; every event joins a request record by id.
            Assert.DoesNotContain(t.Events, e => e.RequestId == TelemetryFakeEngine.SelfTestId);
            Assert.Equal(records.Select(r => r.Id).Order(), t.Events.Where(e => e.Kind == EngineEventKind.Queued).Select(e => e.RequestId).Order());
            Assert.Equal(36, t.Steps.Count);
            Assert.Equal(12 * 6, t.Events.Count);

            KvCacheSummary kv = Assert.IsType<KvCacheSummary>(v.Kv);
            Assert.Equal(("contiguous", 64, 10L), (kv.KvLayout, kv.BlockSize, kv.BytesPerToken));
            Assert.Equal(30, kv.Steps);
            Assert.Equal(640, kv.CapacityBytes);
            Assert.Equal(640, kv.PeakAllocatedBytes);
            Assert.Equal(10 * (measured.Max(r => r.InputTokens) + 2), kv.PeakUsedBytes);
            Assert.Equal(0, kv.Preemptions);
            Assert.Equal(1.0, kv.MeanDecodeBatch);

            // Measured requests only: the fake hits 4 prompt tokens of each in its prefix cache.
            Assert.Equal(4.0 * measured.Count / measured.Sum(r => r.InputTokens), kv.PrefixCacheHitRate!.Value, 12);

            // Each request's three steps hold (prompt + 0, 1, 2) positions of 10 bytes in a 640-byte slot.
            double used = measured.Sum(r => 10.0 * ((3 * r.InputTokens) + 3));
            Assert.Equal(100 * (1 - (used / (30 * 640))), kv.WastePercent!.Value, 9);
        }
    }

    [Fact]
    public async Task ATelemetryRunWritesBothEngineFilesAndTheKvObject()
    {
        RunOutcome outcome = await Run(o => new TelemetryFakeEngine(new FakeEngine()));
        using var dir = new TempDir();
        string runDir = Path.Combine(dir.Path, "run");

        Assert.Null(RunDirectory.Write(runDir, outcome, TextWriter.Null));

        Assert.Equal(1 + (2 * 36), File.ReadAllLines(Path.Combine(runDir, ResultStore.EngineStepsFile)).Length);
        Assert.Equal(1 + (2 * 12 * 6), File.ReadAllLines(Path.Combine(runDir, ResultStore.EngineEventsFile)).Length);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(runDir, ResultStore.ResultFile)));
        foreach (JsonElement variant in json.RootElement.GetProperty("variants").EnumerateArray())
        {
            JsonElement kv = variant.GetProperty("kv");
            Assert.Equal("contiguous", kv.GetProperty("kv_layout").GetString());
            Assert.Equal(30, kv.GetProperty("engine_steps").GetInt32());
            Assert.Equal(640, kv.GetProperty("kv_peak_allocated_bytes").GetInt64());
        }

        RunData back = ResultStore.Load(runDir);
        Assert.Equal(["fp32", "bf16"], back.Telemetry.Select(t => t.Variant));
        Assert.Equal(36, back.Telemetry[1].Steps.Count);
        Assert.Equal(30, back.Result.Variants[1].Kv!.Steps);
        Assert.True(File.Exists(Path.Combine(runDir, "charts", "kv_cache.png")));
        Assert.Contains("## KV cache and scheduler", File.ReadAllText(Path.Combine(runDir, "report.md")), StringComparison.Ordinal);

        // Re-rendered from disk (the report command), the KV series lands at the same seconds as in the live run.
        KvCacheSeries live = KvCacheSeries.From(outcome.Telemetry[1], RunClock.Origin(outcome.Records));
        KvCacheSeries loaded = KvCacheSeries.From(back.Telemetry[1], RunClock.Origin(back.Records));
        Assert.Equal(live.Seconds.Count, loaded.Seconds.Count);
        Assert.All(live.Seconds.Zip(loaded.Seconds), p => Assert.Equal(p.First, p.Second, 6));
        Assert.Equal(live.UsedMiB, loaded.UsedMiB);
        Assert.Contains(RunReport.WriteAll(runDir, back.Result, back.Records, back.Telemetry), p => p.EndsWith("kv_cache.png", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TensorParallelProfilesOfTheMeasuredRunsAreAddedUpWithoutWarmup()
    {
        // Every drain reports 6 decode steps of 3 rows in 0.12 s. Four drains per variant (before the run, after the
        // warm-up, after each of 2 repetitions): only the repetitions' two count, so 12 steps at 20 ms each.
        var profile = new TensorParallelProfile(
            2,
            2,
            "vocab-parallel",
            [new RankShardInfo(0, 1, 5, 2, 768, 24576, 1000, 40), new RankShardInfo(1, 1, 4, 2, 768, 24576, 900, 40)],
            new ParallelPhaseTimes(6, 18, 0.12, [new RankTimes(0.09, 0.006, 0.024), new RankTimes(0.072, 0.006, 0.042)], 30, 61_440, 12_288),
            ParallelPhaseTimes.Empty(2));
        using var dir = new TempDir();
        string runDir = Path.Combine(dir.Path, "run");
        RunOutcome outcome = await Run(o => new TelemetryFakeEngine(new FakeEngine()) { Parallel = profile });

        Assert.Null(RunDirectory.Write(runDir, outcome, TextWriter.Null));

        foreach (VariantResult v in ResultStore.Load(runDir).Result.Variants)
        {
            TensorParallelSummary tp = Assert.IsType<TensorParallelSummary>(v.TensorParallel);
            Assert.Equal((2, 2, false), (tp.Size, tp.Cores, tp.Oversubscribed));
            Assert.Equal([5, 4], tp.Ranks.Select(r => r.Heads));
            Assert.Equal((12L, 36L), (tp.Decode!.Passes, tp.Decode.Rows));
            Assert.Equal(20.0, tp.Decode.WallMsPerPass, 9);
            Assert.Equal(15.0, tp.Decode.Ranks[0].ComputeMs, 9);
            Assert.Equal(7.0, tp.Decode.Ranks[1].IdleMs, 9);
            Assert.Equal(5.0, tp.Decode.AllReducesPerPass, 9);

            // Compute 15 and 12 ms a step: (15 - 13.5) / 15.
            Assert.Equal(10.0, tp.Decode.ImbalancePercent!.Value, 9);
            Assert.Null(tp.Prefill);
        }

        Assert.Contains("## Tensor parallelism", File.ReadAllText(Path.Combine(runDir, "report.md")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(runDir, "charts", "tensor_parallel_decode.png")));
    }

    [Fact]
    public async Task APlainEngineWritesNoEngineFilesAndNoKvObject()
    {
        RunOutcome outcome = await Run(o => new FakeEngine());
        using var dir = new TempDir();
        string runDir = Path.Combine(dir.Path, "run");

        Assert.Null(RunDirectory.Write(runDir, outcome, TextWriter.Null));

        Assert.Empty(outcome.Telemetry);
        Assert.All(outcome.Result.Variants, v => Assert.Null(v.Kv));
        Assert.False(File.Exists(Path.Combine(runDir, ResultStore.EngineEventsFile)));
        Assert.False(File.Exists(Path.Combine(runDir, ResultStore.EngineStepsFile)));
        Assert.DoesNotContain("\"kv\"", File.ReadAllText(Path.Combine(runDir, ResultStore.ResultFile)), StringComparison.Ordinal);
        Assert.DoesNotContain("tensor_parallel", File.ReadAllText(Path.Combine(runDir, ResultStore.ResultFile)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(runDir, "charts", "kv_cache.png")));
        Assert.DoesNotContain("KV cache and scheduler", File.ReadAllText(Path.Combine(runDir, "report.md")), StringComparison.Ordinal);
        Assert.Empty(ResultStore.Load(runDir).Telemetry);
    }

    private static Task<RunOutcome> Run(Func<TestEngineOptions, IInferenceEngine> build)
    {
        Scenario scenario = RunnerTestData.Scenario(Scenario);
        return new ScenarioRunner(scenario, new ScenarioRunnerOptions
        {
            Environment = new RunEnvironment("test cpu", 2, 1, "test os", "test .net", new Dictionary<string, string>(), null, "0 0 0"),
            Registry = new TestEngineFactory((_, o) => build(o)).Registry(),
        }).RunAsync();
    }
}
