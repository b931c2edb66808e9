using System.Diagnostics;
using System.Threading.Channels;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// Static batching: gather up to max_batch requests, or whatever arrived within <c>batchWait</c> of the first, run the
/// batch until every sequence in it has ended, then take the next. Finished sequences leave their slot idle and new
/// arrivals wait for the next batch. Prompts are prefilled one by one (no padding to the longest), which flatters this
/// baseline a little; decode steps carry the batch's unfinished sequences.
/// </summary>
internal sealed class StaticBatchLoop(LlamaModel model, KvCacheSlots slots, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue, TimeSpan batchWait)
    : ServingLoop(model, slots, eos, queue)
{
    public override void Run()
    {
        var batch = new List<PendingRequest>();
        while (WaitForRequest())
        {
            batch.Clear();
            long deadline = Stopwatch.GetTimestamp() + (long)(batchWait.TotalSeconds * Stopwatch.Frequency);
            while (batch.Count < Slots.Capacity)
            {
                if (Queue.TryRead(out PendingRequest? pending))
                {
                    batch.Add(pending);
                }
                else if (Stopwatch.GetTimestamp() >= deadline || Queue.Completion.IsCompleted)
                {
                    break;
                }
                else
                {
                    Thread.Sleep(1);
                }
            }

            List<ActiveSequence> running = [];
            foreach (PendingRequest pending in batch)
            {
                if (Start(pending) is { } sequence)
                {
                    running.Add(sequence);
                }
            }

            while (running.Count > 0)
            {
                Step(running);
            }
        }
    }
}
