using System.Diagnostics;
using System.Threading.Channels;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// Static batching: gather up to max_batch requests, or whatever arrived within the batch wait of the first, run the
/// batch until every sequence in it has ended, then take the next. Finished sequences leave their memory idle and new
/// arrivals wait for the next batch. Each sequence reserves KV for its whole possible length when the batch starts (a
/// static batch cannot preempt), so a KV budget caps the batch. Prompts are prefilled one by one (no padding to the
/// longest), which flatters this baseline a little; decode steps carry the batch's unfinished sequences. With a batch
/// of one and no wait this is the one-at-a-time baseline.
/// </summary>
internal sealed class StaticBatchLoop(LlamaModel model, KvStore store, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue, TraceRecorder trace, SchedulerLimits limits)
    : ServingLoop(model, store, eos, queue, trace, limits)
{
    public override void Run()
    {
        while (Waiting.Count > 0 || WaitForRequest())
        {
            Gather();
            long start = Stopwatch.GetTimestamp();
            int step = Trace.NextStep;
            while (Waiting.Count > 0 && Running.Count < SequenceCap)
            {
                ActiveSequence next = Waiting.First!.Value;
                int positions = next.MaxPositions;
                AdmitResult result = TryAdmitFirst(positions, keepHeadroom: false);
                if (result == AdmitResult.NotNow)
                {
                    if (Running.Count == 0)
                    {
                        FailFirstWaiting(positions);
                        continue;
                    }

                    break;
                }
            }

            int prefilled = 0;
            foreach (ActiveSequence s in Running)
            {
                prefilled += PrefillSome(s, int.MaxValue, step);
            }

            while (Running.Count > 0)
            {
                MakeRoom();
                int decoded = Decode(step);
                EndStep(start, decoded, prefilled);
                start = Stopwatch.GetTimestamp();
                step = Trace.NextStep;
                prefilled = 0;
            }
        }
    }

    // Up to a batch of requests, or whatever arrives within the batch wait.
    private void Gather()
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(Limits.BatchWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            DrainQueue();
            if (Waiting.Count >= SequenceCap || Stopwatch.GetTimestamp() >= deadline || QueueCompleted)
            {
                return;
            }

            Thread.Sleep(1);
        }
    }
}
