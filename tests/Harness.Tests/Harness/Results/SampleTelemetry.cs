using Harness.Engines;
using Harness.Metrics;
using Harness.Results;

namespace Harness.Tests.Harness.Results;

/// <summary>Engine telemetry made by hand for the request records of <see cref="SampleRuns"/>.</summary>
internal static class SampleTelemetry
{
    /// <summary>
    /// For each record: queued at its send, a prefix hit of 8 tokens, a prefill span from compute start to the first
    /// token, one decode event per later token, and finished at completion; the second record is also preempted and
    /// recomputed half-way. One step per token of any record, with KV bytes growing by 1000 per step.
    /// </summary>
    public static VariantTelemetry For(string variant, IReadOnlyList<RequestRecord> records)
    {
        var events = new List<EngineRequestEvent>();
        var steps = new List<EngineStep>();
        int step = 0;
        for (int i = 0; i < records.Count; i++)
        {
            RequestRecord r = records[i];
            long computeStart = r.ComputeStartAt ?? r.SentAt;
            events.Add(new EngineRequestEvent(r.Id, EngineEventKind.Queued, r.SentAt, r.SentAt, -1, 0));
            events.Add(new EngineRequestEvent(r.Id, EngineEventKind.PrefixHit, computeStart, computeStart, step, 8));
            events.Add(new EngineRequestEvent(r.Id, EngineEventKind.Prefill, computeStart, r.TokenTimes[0], step, r.InputTokens - 8));
            steps.Add(Step(step++, computeStart, r.TokenTimes[0], decode: 0, prefill: r.InputTokens - 8));
            for (int k = 1; k < r.TokenTimes.Length; k++)
            {
                if (i == 1 && k == r.TokenTimes.Length / 2)
                {
                    events.Add(new EngineRequestEvent(r.Id, EngineEventKind.Preempted, r.TokenTimes[k - 1], r.TokenTimes[k - 1], step - 1, 0));
                    events.Add(new EngineRequestEvent(r.Id, EngineEventKind.Recompute, r.TokenTimes[k - 1] + 1000, r.TokenTimes[k] - 1000, step, r.InputTokens + k));
                }

                events.Add(new EngineRequestEvent(r.Id, EngineEventKind.Decode, r.TokenTimes[k - 1], r.TokenTimes[k], step, 0));
                steps.Add(Step(step++, r.TokenTimes[k - 1], r.TokenTimes[k], decode: 1, prefill: 0));
            }

            events.Add(new EngineRequestEvent(r.Id, EngineEventKind.Finished, r.CompletedAt, r.CompletedAt, -1, 0));
        }

        return new VariantTelemetry(variant, events, steps);
    }

    private static EngineStep Step(int index, long start, long end, int decode, int prefill) =>
        new(index, start, end, decode, prefill, Running: 1, Waiting: index % 3, KvUsedBytes: 1000L * (index + 1), KvAllocatedBytes: 4096L * ((index / 4) + 1), KvCapacityBytes: 1L << 20);
}
