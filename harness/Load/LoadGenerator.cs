using System.Diagnostics;
using Harness.Engines;
using Harness.Engines.Statistics;
using Harness.Metrics;
using Harness.Statistics;
using Harness.Workloads;

namespace Harness.Load;

/// <summary>
/// Releases a list of requests to an engine by a <see cref="LoadPlan"/> and records each one. Open-loop sends wait for
/// absolute deadlines on the Stopwatch clock (start + offset), never for summed sleeps, so a late send does not
/// shift every later one; how late each send was is measured and reported.
/// </summary>
internal sealed class LoadGenerator
{
    /// <summary>Below this the wait yields instead of sleeping, because timer sleeps overshoot by about a millisecond.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 500; // 2 ms

    private readonly IInferenceEngine _engine;

    public LoadGenerator(IInferenceEngine engine) => _engine = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <param name="plan">When requests are released.</param>
    /// <param name="requests">Sent in list order.</param>
    /// <param name="label">Variant, repetition and warm-up flag for the records.</param>
    /// <param name="maxDuration">Stop sending once this much time has passed since the start; in-flight requests finish.</param>
    /// <param name="onCompleted">Called (from any thread) as each request completes, for progress display.</param>
    /// <param name="cancellationToken">Stops sending and cancels in-flight requests; their records are kept as cancelled.</param>
    public async Task<LoadRunResult> RunAsync(
        LoadPlan plan,
        IReadOnlyList<PreparedRequest> requests,
        RequestLabel label,
        TimeSpan? maxDuration = null,
        Action<RequestRecord>? onCompleted = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(label);
        var records = new RequestRecord?[requests.Count];
        long start = Stopwatch.GetTimestamp();
        long stopSendingAt = maxDuration is TimeSpan d ? start + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        int stoppedByDuration = 0;

        async Task Send(int i, long scheduledAt)
        {
            RequestRecord record = await RequestExecutor.ExecuteAsync(_engine, requests[i], scheduledAt, label, cancellationToken).ConfigureAwait(false);
            records[i] = record;
            onCompleted?.Invoke(record);
        }

        bool MaySend(long now)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (now >= stopSendingAt)
            {
                Volatile.Write(ref stoppedByDuration, 1);
                return false;
            }

            return true;
        }

        switch (plan.Kind)
        {
            case LoadPatternKind.ClosedLoop:
                await RunClosedLoopAsync(plan.Concurrency, requests.Count, Send, MaySend).ConfigureAwait(false);
                break;
            case LoadPatternKind.Offline:
                await RunOpenLoopAsync(Enumerable.Repeat(start, requests.Count).ToArray(), Send, MaySend, cancellationToken).ConfigureAwait(false);
                break;
            default:
                ArgumentNullException.ThrowIfNull(plan.Schedule);
                if (plan.Schedule.Offsets.Count < requests.Count)
                {
                    throw new ArgumentException($"the schedule has {plan.Schedule.Offsets.Count} arrivals for {requests.Count} requests", nameof(plan));
                }

                await RunOpenLoopAsync(plan.Schedule.ToStopwatchTicks(start)[..requests.Count], Send, MaySend, cancellationToken).ConfigureAwait(false);
                break;
        }

        RequestRecord[] sent = [.. records.Where(r => r is not null).Select(r => r!)];
        double lateness = sent.Length == 0 ? 0 : Percentile.NearestRank([.. sent.Select(r => RequestMetrics.TicksToMs(r.SentAt - r.ScheduledAt))], 0.99);
        return new LoadRunResult(sent, requests.Count - sent.Length, lateness, stoppedByDuration != 0);
    }

    private static async Task RunOpenLoopAsync(long[] deadlines, Func<int, long, Task> send, Func<long, bool> maySend, CancellationToken cancellationToken)
    {
        var inFlight = new List<Task>(deadlines.Length);
        for (int i = 0; i < deadlines.Length; i++)
        {
            if (!maySend(deadlines[i]))
            {
                break;
            }

            try
            {
                await WaitUntilAsync(deadlines[i], cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // Not awaited: an open loop sends on schedule whether or not earlier requests have finished.
            inFlight.Add(send(i, deadlines[i]));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private static async Task RunClosedLoopAsync(int concurrency, int count, Func<int, long, Task> send, Func<long, bool> maySend)
    {
        int next = -1;
        async Task Worker()
        {
            while (true)
            {
                long now = Stopwatch.GetTimestamp();
                if (!maySend(now))
                {
                    return;
                }

                int i = Interlocked.Increment(ref next);
                if (i >= count)
                {
                    return;
                }

                // Closed loop: a request is due the moment a slot frees, so that moment is its scheduled time.
                await send(i, now).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(Worker))).ConfigureAwait(false);
    }

    /// <summary>Sleeps until about 2 ms before the deadline, then yields until it has passed.</summary>
    private static async Task WaitUntilAsync(long deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > SpinTicks)
            {
                await Task.Delay(TimeSpan.FromSeconds((remaining - SpinTicks) / (double)Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Thread.Yield();
            }
        }
    }
}
