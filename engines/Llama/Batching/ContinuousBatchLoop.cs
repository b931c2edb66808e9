using System.Threading.Channels;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// Continuous (iteration-level) batching: before every decode step, waiting requests are admitted first come first
/// served while a KV slot is free (each is prefilled and joins the batch), and sequences that ended leave at once, so
/// a long generation never holds a short one back.
/// </summary>
internal sealed class ContinuousBatchLoop(LlamaModel model, KvCacheSlots slots, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue)
    : ServingLoop(model, slots, eos, queue)
{
    public override void Run()
    {
        var waiting = new Queue<PendingRequest>();
        List<ActiveSequence> running = [];
        while (true)
        {
            while (Queue.TryRead(out PendingRequest? pending))
            {
                waiting.Enqueue(pending);
            }

            if (running.Count == 0 && waiting.Count == 0)
            {
                if (!WaitForRequest())
                {
                    return;
                }

                continue;
            }

            while (running.Count < Slots.Capacity && waiting.TryDequeue(out PendingRequest? next))
            {
                if (Start(next) is { } sequence)
                {
                    running.Add(sequence);
                }
            }

            if (running.Count > 0)
            {
                Step(running);
            }
        }
    }
}
