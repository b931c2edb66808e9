using System.Text.Json;
using Harness.Engines;
using Harness.Metrics;
using Harness.Results;
using Harness.Tests.Engines.Checkpoints;
using Harness.Tests.Harness.Reports;

namespace Harness.Tests.Harness.Results;

public sealed class ResultStoreTests
{
    [Fact]
    public void ResultJsonRoundTripsEveryField()
    {
        using var dir = new TempDir();
        RunResult result = SampleRuns.Result(["fp32", "bf16"], new Slo(500, 60));
        ResultStore.Write(dir.Path, result, SampleRuns.Lognormal("fp32", 5, 1));

        RunData back = ResultStore.Load(dir.Path);

        // Records holding lists compare by reference, so equality is checked on the serialized form and on samples.
        Assert.Equal(JsonSerializer.Serialize(result, ResultJson.Options), JsonSerializer.Serialize(back.Result, ResultJson.Options));
        Assert.Equal(ulong.MaxValue, back.Result.Seed);
        Assert.Equal(result.StartedAt, back.Result.StartedAt);
        Assert.Equal(new Slo(500, 60), back.Result.Slo);
        Assert.True(double.IsNaN(back.Result.Variants[0].Metrics.QueueWaitMs.P99));
        Assert.Equal(190.125, back.Result.Variants[1].Metrics.TtftMs.P99);
        Assert.Equal(0, back.Result.Variants[0].Metrics.QueueWaitMs.Count);
        Assert.Equal("0.107.0", back.Result.Environment.Packages["TorchSharp"]);
        Assert.Equal(MetricDefinitions.All.Count, back.Result.MetricDefinitions.Count);
        Assert.Equal(459, back.Result.Variants[0].Validity[0].MinimumSamples);
    }

    [Fact]
    public void ResultJsonIsSnakeCaseWithoutComputedProperties()
    {
        using var dir = new TempDir();
        ResultStore.Write(dir.Path, SampleRuns.Result(["fp32"], new Slo(500)), []);
        string json = File.ReadAllText(dir.File(ResultStore.ResultFile));

        Assert.Contains("\"schema_version\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"output_tokens_per_s\": 12.5", json, StringComparison.Ordinal);
        Assert.Contains("\"ttft_ms\": 500", json, StringComparison.Ordinal);
        Assert.Contains("\"p99\": \"NaN\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("is_empty", json, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordsRoundTripToTheMicrosecond()
    {
        using var dir = new TempDir();
        List<RequestRecord> records = WithAFailure();
        ResultStore.Write(dir.Path, SampleRuns.Result(["fp32"]), records);

        IReadOnlyList<RequestRecord> back = ResultStore.Load(dir.Path).Records;

        Assert.Equal(records.Count, back.Count);
        for (int i = 0; i < records.Count; i++)
        {
            RequestRecord a = records[i];
            RequestRecord b = back[i];
            Assert.Equal((a.Id, a.Variant, a.Repetition, a.IsWarmup, a.InputTokens, a.OutputTokens, a.FinishReason, a.Error), (b.Id, b.Variant, b.Repetition, b.IsWarmup, b.InputTokens, b.OutputTokens, b.FinishReason, b.Error));
            Assert.Equal(a.ComputeStartAt is null, b.ComputeStartAt is null);
            Assert.Equal(a.TokenTimes.Length, b.TokenTimes.Length);
            RequestMetrics ma = RequestMetrics.From(a);
            RequestMetrics mb = RequestMetrics.From(b);
            AssertWithinMicrosecond(ma.E2eMs, mb.E2eMs);
            AssertWithinMicrosecond(ma.TtftMs, mb.TtftMs);
            AssertWithinMicrosecond(ma.TpotMs, mb.TpotMs);
            AssertWithinMicrosecond(ma.QueueWaitMs, mb.QueueWaitMs);
            for (int k = 0; k < ma.ItlMs.Length; k++)
            {
                AssertWithinMicrosecond(ma.ItlMs[k], mb.ItlMs[k]);
            }

            AssertWithinMicrosecond(RequestMetrics.TicksToMs(a.SentAt - a.ScheduledAt), RequestMetrics.TicksToMs(b.SentAt - b.ScheduledAt));
            AssertWithinMicrosecond(RequestMetrics.TicksToMs(a.CompletedAt - a.ScheduledAt), RequestMetrics.TicksToMs(b.CompletedAt - b.ScheduledAt));
        }

        // The summary of the read-back records matches the original (percentiles within HdrHistogram's resolution).
        VariantSummary sa = VariantSummary.Compute("fp32", records);
        VariantSummary sb = VariantSummary.Compute("fp32", back);
        Assert.Equal((sa.Measured, sa.Completed, sa.Failed, sa.WarmupExcluded), (sb.Measured, sb.Completed, sb.Failed, sb.WarmupExcluded));
        Assert.Equal(sa.OutputTokensPerS, sb.OutputTokensPerS, 6);
        Assert.Equal(sa.TtftMs.P99, sb.TtftMs.P99, 1);
    }

    [Fact]
    public void RecordsAsStoredAreExactlyWhatRequestsCsvReadsBack()
    {
        using var dir = new TempDir();
        List<RequestRecord> records = WithAFailure();
        ResultStore.Write(dir.Path, SampleRuns.Result(["fp32"]), records);
        IReadOnlyList<RequestRecord> back = ResultStore.Load(dir.Path).Records;

        IReadOnlyList<RequestRecord> stored = RunClock.AsStored(records);

        static object Times(RequestRecord r) => (r.ScheduledAt, r.SentAt, r.ComputeStartAt, r.CompletedAt, string.Join(' ', r.TokenTimes));
        Assert.Equal(back.Select(Times), stored.Select(Times));
        Assert.Equal(back.Select(Times), RunClock.AsStored(back).Select(Times));
    }

    [Fact]
    public void CsvTimesStartAtTheEarliestScheduledTime()
    {
        using var dir = new TempDir();
        ResultStore.Write(dir.Path, SampleRuns.Result(["fp32"]), SampleRuns.Lognormal("fp32", 3, 1));
        string[] lines = File.ReadAllLines(dir.File(ResultStore.RequestsFile));

        Assert.Equal(string.Join(',', RequestsCsv.Columns), lines[0]);
        Assert.StartsWith("fp32-0,fp32,0,false,0,50,", lines[1], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
    }

    [Theory]
    [InlineData("plain failure")]
    [InlineData("a, b, and c")]
    [InlineData("he said \"no\", twice")]
    [InlineData("line one\nline two\r\nline three, \"quoted\"")]
    [InlineData("")]
    [InlineData("\"")]
    public void ErrorTextSurvives(string error)
    {
        using var dir = new TempDir();
        List<RequestRecord> records = SampleRuns.Lognormal("v,1", 3, 2);
        records[1] = records[1] with { Id = "id \"x\", y", Error = error, FinishReason = FinishReason.Error };
        ResultStore.Write(dir.Path, SampleRuns.Result(["v,1"]), records);

        IReadOnlyList<RequestRecord> back = ResultStore.Load(dir.Path).Records;

        Assert.Equal(3, back.Count);
        Assert.Equal(error, back[1].Error);
        Assert.Equal("id \"x\", y", back[1].Id);
        Assert.Equal("v,1", back[1].Variant);
        Assert.Null(back[0].Error);
        Assert.Null(back[2].Error);
        Assert.Equal(records[2].TokenTimes.Length, back[2].TokenTimes.Length);
    }

    [Fact]
    public void WriteReplacesFilesAndLeavesNoTemporaries()
    {
        using var dir = new TempDir();
        ResultStore.Write(dir.Path, SampleRuns.Result(["a"]), SampleRuns.Lognormal("a", 10, 1));
        ResultStore.Write(dir.Path, SampleRuns.Result(["b"]), SampleRuns.Lognormal("b", 4, 1));

        Assert.Equal([ResultStore.RequestsFile, ResultStore.ResultFile], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        RunData back = ResultStore.Load(dir.Path);
        Assert.Equal("b", back.Result.Variants.Single().Name);
        Assert.Equal(4, back.Records.Count);
    }

    [Fact]
    public void MissingDirectoryOrFilesAreNamed()
    {
        using var dir = new TempDir();
        string missing = dir.File("nope");
        Assert.Contains(missing, Assert.Throws<HarnessInputException>(() => ResultStore.Load(missing)).Message, StringComparison.Ordinal);
        Assert.Contains(ResultStore.ResultFile, Assert.Throws<HarnessInputException>(() => ResultStore.Load(dir.Path)).Message, StringComparison.Ordinal);

        ResultStore.Write(dir.Path, SampleRuns.Result(["a"]), []);
        File.Delete(dir.File(ResultStore.RequestsFile));
        Assert.Contains(ResultStore.RequestsFile, Assert.Throws<HarnessInputException>(() => ResultStore.Load(dir.Path)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "invalid result file")]
    [InlineData("[1, 2]", "schema_version")]
    [InlineData("{\"schema_version\": 2}", "unknown schema_version 2")]
    [InlineData("{\"schema_version\": 1, \"scenario\": \"x\"}", "invalid result file")]
    public void BadResultFileIsNamed(string json, string expected)
    {
        using var dir = new TempDir();
        ResultStore.Write(dir.Path, SampleRuns.Result(["a"]), []);
        File.WriteAllText(dir.File(ResultStore.ResultFile), json);

        var ex = Assert.Throws<HarnessInputException>(() => ResultStore.Load(dir.Path));

        Assert.Contains(dir.File(ResultStore.ResultFile), ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("x,v,0,false,0,0,,10,5,1,length,,abc", "requests.csv:3: column 'token_times_us'")]
    [InlineData("x,v,zero,false,0,0,,10,5,1,length,,", "requests.csv:3: column 'repetition'")]
    [InlineData("x,v,0,maybe,0,0,,10,5,1,length,,", "requests.csv:3: column 'warmup'")]
    [InlineData("x,v,0,false,0,0,,10,5,1,exploded,,", "requests.csv:3: column 'finish_reason'")]
    [InlineData("x,v,0,false,0,0,,10,5,1,length,", "requests.csv:3: 12 fields")]
    [InlineData("x,v,0,false,0,0,,10,5,1,length,\"never closed,", "requests.csv:3: malformed CSV")]
    [InlineData("x,v,0,false,0,0,,10,5,1,length,\"a\"b,", "requests.csv:3: malformed CSV")]
    public void MalformedCsvRowIsNamedWithItsLine(string row, string expected)
    {
        using var dir = new TempDir();
        ResultStore.Write(dir.Path, SampleRuns.Result(["v"]), SampleRuns.Lognormal("v", 1, 1));
        File.AppendAllText(dir.File(ResultStore.RequestsFile), row + "\n");

        var ex = Assert.Throws<HarnessInputException>(() => ResultStore.Load(dir.Path));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void CsvWithoutARequiredColumnIsRejected()
    {
        using var dir = new TempDir();
        ResultStore.Write(dir.Path, SampleRuns.Result(["v"]), []);
        File.WriteAllText(dir.File(ResultStore.RequestsFile), "id,variant\nx,v\n");

        var ex = Assert.Throws<HarnessInputException>(() => ResultStore.Load(dir.Path));

        Assert.Contains("requests.csv:1: missing column 'repetition'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KvFiguresAreWrittenAsASnakeCaseObjectAndReadBack()
    {
        using var dir = new TempDir();
        RunResult plain = SampleRuns.Result(["paged", "plain"]);
        var kv = new KvCacheSummary("paged", 16, 36864, 64L << 20, 12_500_000, 13_000_000, 60.0, 75.5, 3, null, 420, 2.5);
        RunResult result = plain with { Variants = [plain.Variants[0] with { Kv = kv }, plain.Variants[1]] };
        ResultStore.Write(dir.Path, result, []);
        string json = File.ReadAllText(dir.File(ResultStore.ResultFile));

        using (JsonDocument doc = JsonDocument.Parse(json))
        {
            JsonElement written = doc.RootElement.GetProperty("variants")[0].GetProperty("kv");
            Assert.Equal(
                ["kv_layout", "kv_block_size", "kv_bytes_per_token", "kv_capacity_bytes", "kv_peak_used_bytes", "kv_peak_allocated_bytes", "kv_waste_percent", "kv_waste_percent_at_peak", "preemptions", "prefix_cache_hit_rate", "engine_steps", "mean_decode_batch"],
                written.EnumerateObject().Select(p => p.Name));
            Assert.Equal(60.0, written.GetProperty("kv_waste_percent").GetDouble());
            Assert.Equal(JsonValueKind.Null, written.GetProperty("prefix_cache_hit_rate").ValueKind);

            // A variant without telemetry has no kv object at all, as before the object existed.
            Assert.False(doc.RootElement.GetProperty("variants")[1].TryGetProperty("kv", out _));
        }

        RunData back = ResultStore.Load(dir.Path);
        Assert.Equal(kv, back.Result.Variants[0].Kv);
        Assert.Null(back.Result.Variants[1].Kv);
        Assert.Equal(1, back.Result.SchemaVersion);
    }

    [Fact]
    public void TensorParallelFiguresAreWrittenAsASnakeCaseObjectAndReadBack()
    {
        using var dir = new TempDir();
        RunResult plain = SampleRuns.Result(["tp2", "plain"]);
        var prefill = new TensorParallelPhaseSummary(4, 128, 80, [new(60, 5, 15), new(50, 5, 25)], 25, 819_200, 0, 100 * 5.0 / 60);
        TensorParallelSummary tp = TensorParallelTestData.Profile(2, 2, 25, prefill);
        RunResult result = plain with { Variants = [plain.Variants[0] with { TensorParallel = tp }, plain.Variants[1]] };
        ResultStore.Write(dir.Path, result, []);
        string json = File.ReadAllText(dir.File(ResultStore.ResultFile));

        using (JsonDocument doc = JsonDocument.Parse(json))
        {
            JsonElement written = doc.RootElement.GetProperty("variants")[0].GetProperty("tensor_parallel");
            Assert.Equal(["size", "cores", "vocabulary", "oversubscribed", "ranks", "decode", "prefill"], written.EnumerateObject().Select(p => p.Name));
            Assert.Equal(
                ["rank", "threads", "heads", "kv_heads", "intermediate_columns", "vocabulary_rows", "weight_bytes", "kv_bytes_per_token"],
                written.GetProperty("ranks")[0].EnumerateObject().Select(p => p.Name));
            JsonElement decode = written.GetProperty("decode");
            Assert.Equal(
                ["passes", "rows", "wall_ms_per_pass", "ranks", "all_reduces_per_pass", "all_reduce_bytes_per_pass", "gather_bytes_per_pass", "imbalance_percent"],
                decode.EnumerateObject().Select(p => p.Name));
            Assert.Equal(["compute_ms_per_pass", "communication_ms_per_pass", "idle_ms_per_pass"], decode.GetProperty("ranks")[1].EnumerateObject().Select(p => p.Name));
            Assert.Equal(16.25, decode.GetProperty("ranks")[1].GetProperty("compute_ms_per_pass").GetDouble(), 12);
            Assert.Equal(5, written.GetProperty("ranks")[0].GetProperty("heads").GetInt32());
            Assert.Equal(128, written.GetProperty("prefill").GetProperty("rows").GetInt64());

            // A variant whose engine reported no profile has no tensor_parallel object at all, as before it existed.
            Assert.False(doc.RootElement.GetProperty("variants")[1].TryGetProperty("tensor_parallel", out _));
        }

        RunData back = ResultStore.Load(dir.Path);
        Assert.Equal(JsonSerializer.Serialize(result, ResultJson.Options), JsonSerializer.Serialize(back.Result, ResultJson.Options));
        TensorParallelSummary read = back.Result.Variants[0].TensorParallel!;
        Assert.Equal(tp.Ranks, read.Ranks);
        Assert.Equal(tp.Decode!.Ranks, read.Decode!.Ranks);
        Assert.Equal(prefill.Ranks, read.Prefill!.Ranks);
        Assert.Equal(20.0 / 3, read.Decode.ImbalancePercent!.Value, 12);
        Assert.Null(back.Result.Variants[1].TensorParallel);
        Assert.Equal(1, back.Result.SchemaVersion);
    }

    [Fact]
    public void APhaseThatNeverRanIsWrittenAsNullAndReadBack()
    {
        using var dir = new TempDir();
        RunResult plain = SampleRuns.Result(["tp1"]);
        ResultStore.Write(dir.Path, plain with { Variants = [plain.Variants[0] with { TensorParallel = TensorParallelTestData.Profile(1, 2, 40) }] }, []);

        using (JsonDocument doc = JsonDocument.Parse(File.ReadAllText(dir.File(ResultStore.ResultFile))))
        {
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("variants")[0].GetProperty("tensor_parallel").GetProperty("prefill").ValueKind);
        }

        TensorParallelSummary back = ResultStore.Load(dir.Path).Result.Variants[0].TensorParallel!;
        Assert.Null(back.Prefill);
        Assert.Equal(40.0, back.Decode!.WallMsPerPass);
    }

    // The nightly baseline predates the tensor-parallel profile (the examples were re-run since), so it keeps the
    // older form covered.
    [Theory]
    [InlineData("results/baselines/nightly")]
    public void CommittedRunsFromBeforeTensorParallelismStillLoad(string runDir)
    {
        RunData run = ResultStore.Load(RepositoryFiles.Path(runDir));

        Assert.NotEmpty(run.Result.Variants);
        Assert.All(run.Result.Variants, v => Assert.Null(v.TensorParallel));
    }

    [Theory]
    [InlineData("results/baselines/nightly")]
    public void CommittedRunsFromBeforeTelemetryStillLoad(string runDir)
    {
        RunData run = ResultStore.Load(RepositoryFiles.Path(runDir));

        Assert.Equal(RunResult.CurrentSchemaVersion, run.Result.SchemaVersion);
        Assert.NotEmpty(run.Result.Variants);
        Assert.All(run.Result.Variants, v => Assert.Null(v.Kv));
        Assert.NotEmpty(run.Records);
        Assert.Empty(run.Telemetry);
    }

    private static void AssertWithinMicrosecond(double? expectedMs, double? actualMs)
    {
        Assert.Equal(expectedMs is null, actualMs is null);
        if (expectedMs is double e && actualMs is double a)
        {
            Assert.True(Math.Abs(e - a) <= 1e-3, $"{e} ms vs {a} ms differ by more than 1 us");
        }
    }

    /// <summary>50 requests after 3 warm-ups, and one that failed before its first token.</summary>
    private static List<RequestRecord> WithAFailure()
    {
        List<RequestRecord> records = SampleRuns.Lognormal("fp32", 50, 7, warmup: 3);
        records.Add(records[10] with { Id = "failed", ComputeStartAt = null, TokenTimes = [], FinishReason = FinishReason.Error, Error = "boom", OutputTokens = 0 });
        return records;
    }
}
