using System.Threading.Channels;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>One request at a time, first come first served: the single-stream baseline.</summary>
internal sealed class SequentialLoop(LlamaModel model, KvCacheSlots slots, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue)
    : ServingLoop(model, slots, eos, queue)
{
    public override void Run()
    {
        while (WaitForRequest())
        {
            while (Queue.TryRead(out PendingRequest? pending))
            {
                if (Start(pending) is { } sequence)
                {
                    List<ActiveSequence> running = [sequence];
                    while (running.Count > 0)
                    {
                        Step(running);
                    }
                }
            }
        }
    }
}
