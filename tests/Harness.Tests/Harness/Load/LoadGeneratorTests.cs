using Harness.Engines;
using Harness.Load;
using Harness.Metrics;
using Harness.Tests.Harness.Runner;
using Harness.Workloads;

namespace Harness.Tests.Harness.Load;

[Collection(TimingTestCollection.Name)]
public sealed class LoadGeneratorTests
{
    private static readonly RequestLabel Label = new("v", 0, false);

    [Fact]
    public async Task OpenLoopSendsOnAbsoluteDeadlinesWithoutDrift()
    {
        // Each send costs the sender 10 ms of synchronous engine work. Summed 25 ms sleeps would drift by 10 ms per
        // request (190 ms by the last one); absolute deadlines keep every send near its own deadline. The bounds leave
        // room for a busy shared machine and still fail on drift.
        const int n = 20;
        var offsets = Enumerable.Range(0, n).Select(i => TimeSpan.FromMilliseconds(25 * i)).ToArray();
        var engine = new FakeEngine { SynchronousWork = TimeSpan.FromMilliseconds(10) };
        var generator = new LoadGenerator(engine);
        await generator.RunAsync(LoadPlan.Open(new ArrivalSchedule(offsets[..2], "jit")), RunnerTestData.Requests(2), new RequestLabel("jit", 0, false));
        LoadRunResult result = await generator.RunAsync(LoadPlan.Open(new ArrivalSchedule(offsets, "test")), RunnerTestData.Requests(n), Label);

        Assert.Equal(n, result.Records.Count);
        long start = result.Records[0].ScheduledAt;
        for (int i = 0; i < n; i++)
        {
            RequestRecord r = result.Records[i];
            Assert.Equal($"v/r0/{i}", r.Id);
            Assert.InRange(RunnerTestData.Ms(r.ScheduledAt - start), 25 * i - 0.01, 25 * i + 0.01);
        }

        Assert.Equal(result.Records.Select(r => r.Id), engine.Received.Skip(2));
        // Summed sleeps would make request i late by ~10 ms x i (median ~100 ms). Absolute deadlines keep the median
        // lateness near zero even if one stall of the machine makes a few sends late (they catch up at once).
        double[] lateness = [.. result.Records.Select(r => RunnerTestData.Ms(r.SentAt - r.ScheduledAt)).Order()];
        Assert.All(lateness, l => Assert.True(l >= 0, "a request was sent before its deadline"));
        Assert.InRange(lateness[n / 2], 0, 30);
        Assert.InRange(lateness[^1], 0, result.LatenessP99Ms + 1e-9);
    }

    [Fact]
    public async Task ClosedLoopNeverExceedsItsConcurrency()
    {
        var engine = new FakeEngine { Prefill = TimeSpan.FromMilliseconds(5), PerToken = TimeSpan.FromMilliseconds(5) };
        LoadRunResult result = await new LoadGenerator(engine).RunAsync(LoadPlan.Closed(3), RunnerTestData.Requests(24, output: 3), Label);

        Assert.Equal(24, result.Records.Count);
        Assert.All(result.Records, r => Assert.True(r.Succeeded));
        Assert.Equal(3, engine.MaxInFlight);
    }

    [Fact]
    public async Task SingleStreamSendsInOrderAfterThePreviousCompletes()
    {
        var engine = new FakeEngine { PerToken = TimeSpan.FromMilliseconds(2) };
        LoadRunResult result = await new LoadGenerator(engine).RunAsync(LoadPlan.Single, RunnerTestData.Requests(8, output: 3), Label);

        Assert.Equal(1, engine.MaxInFlight);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"v/r0/{i}"), engine.Received);
        for (int i = 1; i < result.Records.Count; i++)
        {
            Assert.True(result.Records[i].SentAt >= result.Records[i - 1].CompletedAt);
        }
    }

    [Fact]
    public async Task OfflineSendsEverythingAtOnceAndTheEngineQueueShowsInTtft()
    {
        // A serial engine (10 ms per request) behind an offline sender: all 10 are in flight together, scheduled at
        // the same instant, so the last served waits about 90 ms in the engine queue and its TTFT shows it.
        var engine = new FakeEngine { Serial = true, Prefill = TimeSpan.FromMilliseconds(10) };
        LoadRunResult result = await new LoadGenerator(engine).RunAsync(LoadPlan.Offline, RunnerTestData.Requests(10, output: 1), Label);

        Assert.Equal(10, engine.MaxInFlight);
        Assert.Single(result.Records.Select(r => r.ScheduledAt).Distinct());
        Assert.InRange(RunnerTestData.Ms(result.Records.Max(r => r.SentAt) - result.Records.Min(r => r.SentAt)), 0, 30);
        double lastTtft = RequestMetrics.From(result.Records.MaxBy(r => r.TokenTimes[0])!).TtftMs!.Value;
        Assert.True(lastTtft >= 90, $"the last request waited {lastTtft:F1} ms, expected >= 90 ms of queueing");
    }

    [Fact]
    public async Task AFailingRequestIsRecordedFailedAndTheOthersComplete()
    {
        var engine = new FakeEngine { FailAfter = r => r.Id.EndsWith("/3", StringComparison.Ordinal) ? 0 : r.Id.EndsWith("/5", StringComparison.Ordinal) ? 2 : null };
        LoadRunResult result = await new LoadGenerator(engine).RunAsync(LoadPlan.Closed(2), RunnerTestData.Requests(8, output: 4), Label);

        Assert.Equal(8, result.Records.Count);
        RequestRecord before = result.Records.Single(r => r.Id == "v/r0/3");
        RequestRecord midway = result.Records.Single(r => r.Id == "v/r0/5");
        Assert.Equal(FinishReason.Error, before.FinishReason);
        Assert.Contains("injected failure", before.Error, StringComparison.Ordinal);
        Assert.Equal(2, midway.OutputTokens);
        Assert.False(midway.Succeeded);
        VariantSummary summary = VariantSummary.Compute("v", result.Records);
        Assert.Equal((6, 2), (summary.Completed, summary.Failed));
    }

    [Fact]
    public async Task CancellationStopsSendingAndReturnsWhatFinished()
    {
        // Two in flight: a short request and a long one. Cancelling when the short one completes cuts the long one
        // off in flight and leaves the rest unsent.
        PreparedRequest[] requests = RunnerTestData.Requests(10, output: 40);
        requests[0] = requests[0] with { Request = requests[0].Request with { OutputTokens = 2 } };
        var engine = new FakeEngine { PerToken = TimeSpan.FromMilliseconds(5) };
        using var cts = new CancellationTokenSource();
        LoadRunResult result = await new LoadGenerator(engine).RunAsync(LoadPlan.Closed(2), requests, Label, onCompleted: _ => cts.Cancel(), cancellationToken: cts.Token);

        Assert.Equal(2, result.Records.Count);
        Assert.True(result.Records[0].Succeeded);
        Assert.Equal(FinishReason.Cancelled, result.Records[1].FinishReason);
        Assert.False(result.Records[1].Succeeded);
        Assert.True(result.Records[1].OutputTokens < 40);
        Assert.Equal(8, result.NotSent);
    }

    [Fact]
    public async Task DurationLimitStopsSendingButLetsInFlightFinish()
    {
        var engine = new FakeEngine { PerToken = TimeSpan.FromMilliseconds(20) };
        LoadRunResult result = await new LoadGenerator(engine).RunAsync(LoadPlan.Single, RunnerTestData.Requests(20, output: 3), Label, maxDuration: TimeSpan.FromMilliseconds(150));

        Assert.True(result.StoppedByDuration);
        Assert.InRange(result.Records.Count, 2, 5);
        Assert.All(result.Records, r => Assert.True(r.Succeeded));
    }
}
