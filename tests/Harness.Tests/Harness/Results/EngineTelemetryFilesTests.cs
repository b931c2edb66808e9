using Harness.Engines;
using Harness.Metrics;
using Harness.Results;
using Harness.Tests.Engines.Checkpoints;

namespace Harness.Tests.Harness.Results;

public sealed class EngineTelemetryFilesTests
{
    [Fact]
    public void EventsAndStepsRoundTripOnTheRequestsClock()
    {
        using var dir = new TempDir();
        List<RequestRecord> records = [.. SampleRuns.Lognormal("fp32", 3, 1), .. SampleRuns.Lognormal("v,2", 2, 2)];
        VariantTelemetry[] telemetry =
        [
            SampleTelemetry.For("fp32", [.. records.Where(r => r.Variant == "fp32")]),
            SampleTelemetry.For("v,2", [.. records.Where(r => r.Variant == "v,2")]),
        ];
        ResultStore.Write(dir.Path, SampleRuns.Result(["fp32", "v,2"]), records, telemetry);

        RunData back = ResultStore.Load(dir.Path);

        Assert.Equal(["fp32", "v,2"], back.Telemetry.Select(t => t.Variant));
        Dictionary<string, RequestRecord> backRecords = back.Records.ToDictionary(r => r.Id);
        Dictionary<string, RequestRecord> original = records.ToDictionary(r => r.Id);
        for (int v = 0; v < telemetry.Length; v++)
        {
            VariantTelemetry a = telemetry[v];
            VariantTelemetry b = back.Telemetry[v];
            Assert.Equal(a.Events.Count, b.Events.Count);
            Assert.Equal(a.Steps.Count, b.Steps.Count);
            for (int i = 0; i < a.Events.Count; i++)
            {
                EngineRequestEvent x = a.Events[i];
                EngineRequestEvent y = b.Events[i];
                Assert.Equal((x.RequestId, x.Kind, x.Step, x.Tokens), (y.RequestId, y.Kind, y.Step, y.Tokens));

                // Aligned with requests.csv: the same distance from the request's scheduled send, to the microsecond.
                AssertWithinMicrosecond(x.Start - original[x.RequestId].ScheduledAt, y.Start - backRecords[y.RequestId].ScheduledAt);
                AssertWithinMicrosecond(x.End - original[x.RequestId].ScheduledAt, y.End - backRecords[y.RequestId].ScheduledAt);
            }

            for (int i = 0; i < a.Steps.Count; i++)
            {
                EngineStep x = a.Steps[i];
                EngineStep y = b.Steps[i];
                Assert.Equal(
                    (x.Index, x.DecodeSequences, x.PrefillTokens, x.Running, x.Waiting, x.KvUsedBytes, x.KvAllocatedBytes, x.KvCapacityBytes),
                    (y.Index, y.DecodeSequences, y.PrefillTokens, y.Running, y.Waiting, y.KvUsedBytes, y.KvAllocatedBytes, y.KvCapacityBytes));
                AssertWithinMicrosecond(x.Start - SampleRuns.Origin, y.Start);
                AssertWithinMicrosecond(x.End - SampleRuns.Origin, y.End);
            }
        }

        Assert.Equal(2, back.Telemetry[0].Events.Count(e => e.Kind == EngineEventKind.Preempted) + back.Telemetry[1].Events.Count(e => e.Kind == EngineEventKind.Preempted));
    }

    [Fact]
    public void FilesStartAtTheEarliestScheduledSendLikeRequestsCsv()
    {
        using var dir = new TempDir();
        List<RequestRecord> records = SampleRuns.Lognormal("fp32", 2, 1);

        // An event 2 ms before the first request was scheduled (engine work before the run) is written as negative.
        var early = new EngineRequestEvent("fp32-0", EngineEventKind.Queued, SampleRuns.Origin - SampleRuns.Ticks(2), SampleRuns.Origin - SampleRuns.Ticks(2), -1, 0);
        var step = new EngineStep(7, SampleRuns.Origin + SampleRuns.Ticks(1.5), SampleRuns.Origin + SampleRuns.Ticks(12.25), 3, 40, 3, 1, 3000, 8192, 65536);
        ResultStore.Write(dir.Path, SampleRuns.Result(["fp32"]), records, [new VariantTelemetry("fp32", [early], [step])]);

        string[] events = File.ReadAllLines(dir.File(ResultStore.EngineEventsFile));
        string[] steps = File.ReadAllLines(dir.File(ResultStore.EngineStepsFile));

        Assert.Equal(["variant,request_id,event,start_us,end_us,step,tokens", "fp32,fp32-0,queued,-2000,-2000,-1,0"], events);
        Assert.Equal(
            ["variant,step,start_us,end_us,decode_sequences,prefill_tokens,running,waiting,kv_used_bytes,kv_allocated_bytes,kv_capacity_bytes", "fp32,7,1500,12250,3,40,3,1,3000,8192,65536"],
            steps);
        Assert.StartsWith("fp32-0,fp32,0,false,0,", File.ReadAllLines(dir.File(ResultStore.RequestsFile))[1], StringComparison.Ordinal);
    }

    [Fact]
    public void EventKindsAreWrittenInSnakeCaseAndReadBack()
    {
        Assert.Equal("prefix_hit", EngineEventsCsv.Name(EngineEventKind.PrefixHit));
        using var dir = new TempDir();
        EngineRequestEvent[] all = [.. Enum.GetValues<EngineEventKind>().Select((k, i) => new EngineRequestEvent($"r{i}", k, i, i, i, i))];
        ResultStore.Write(dir.Path, SampleRuns.Result(["v"]), [], [new VariantTelemetry("v", all, [])]);

        VariantTelemetry back = Assert.Single(ResultStore.Load(dir.Path).Telemetry);

        Assert.Equal(Enum.GetValues<EngineEventKind>(), back.Events.Select(e => e.Kind));
        Assert.Empty(back.Steps);
    }

    [Fact]
    public void WithoutTelemetryNoEngineFileIsWrittenAndAStaleOneIsRemoved()
    {
        using var dir = new TempDir();
        List<RequestRecord> records = SampleRuns.Lognormal("fp32", 2, 1);
        ResultStore.Write(dir.Path, SampleRuns.Result(["fp32"]), records, [SampleTelemetry.For("fp32", records)]);
        Assert.True(File.Exists(dir.File(ResultStore.EngineEventsFile)));

        ResultStore.Write(dir.Path, SampleRuns.Result(["fp32"]), records);

        Assert.Equal([ResultStore.RequestsFile, ResultStore.ResultFile], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Empty(ResultStore.Load(dir.Path).Telemetry);
    }

    [Theory]
    [InlineData(EngineEventsCsv.FileName, "v,x,exploded,0,0,1,0", "engine_events.csv:3: column 'event': unknown event 'exploded'")]
    [InlineData(EngineEventsCsv.FileName, "v,x,decode,soon,0,1,0", "engine_events.csv:3: column 'start_us'")]
    [InlineData(EngineEventsCsv.FileName, "v,x,decode,0,0,one,0", "engine_events.csv:3: column 'step'")]
    [InlineData(EngineEventsCsv.FileName, "v,x,decode,0,0,1", "engine_events.csv:3: 6 fields")]
    [InlineData(EngineEventsCsv.FileName, ",x,decode,0,0,1,0", "engine_events.csv:3: column 'variant': empty")]
    [InlineData(EngineStepsCsv.FileName, "v,1,0,10,1,0,1,0,12.5,100,1000", "engine_steps.csv:3: column 'kv_used_bytes'")]
    [InlineData(EngineStepsCsv.FileName, "v,1,0,10,1,0,1,0,10,100,\"1000", "engine_steps.csv:3: malformed CSV")]
    public void MalformedTelemetryRowIsNamedWithFileAndLine(string file, string row, string expected)
    {
        using var dir = new TempDir();
        List<RequestRecord> records = SampleRuns.Lognormal("v", 1, 1);
        var telemetry = new VariantTelemetry("v", [new EngineRequestEvent("v-0", EngineEventKind.Queued, SampleRuns.Origin, SampleRuns.Origin, -1, 0)], [new EngineStep(0, SampleRuns.Origin, SampleRuns.Origin + 10, 1, 0, 1, 0, 10, 100, 1000)]);
        ResultStore.Write(dir.Path, SampleRuns.Result(["v"]), records, [telemetry]);
        File.AppendAllText(dir.File(file), row + "\n");

        var ex = Assert.Throws<HarnessInputException>(() => ResultStore.Load(dir.Path));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(dir.File(file), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void TelemetryFileWithoutARequiredColumnIsRejected()
    {
        using var dir = new TempDir();
        ResultStore.Write(dir.Path, SampleRuns.Result(["v"]), []);
        File.WriteAllText(dir.File(ResultStore.EngineStepsFile), "variant,step,start_us\nv,0,0\n");

        var ex = Assert.Throws<HarnessInputException>(() => ResultStore.Load(dir.Path));

        Assert.Contains("engine_steps.csv:1: missing column 'end_us'", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertWithinMicrosecond(long expectedTicks, long actualTicks)
    {
        double us = Math.Abs(expectedTicks - actualTicks) * 1e6 / System.Diagnostics.Stopwatch.Frequency;
        Assert.True(us <= 1.0, $"{expectedTicks} vs {actualTicks} ticks differ by {us} us");
    }
}
