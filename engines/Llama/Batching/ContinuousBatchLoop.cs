using System.Diagnostics;
using System.Threading.Channels;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// Continuous (iteration-level) batching, as vLLM schedules: before every decode pass, running sequences get room for
/// their next token (preempting the newest when KV memory runs out), then waiting requests are admitted first come
/// first served while a sequence slot, KV memory above the watermark and the step's token budget allow, and each is
/// prefilled (in chunks of the budget when max_batched_tokens is set, one prompt in progress at a time). Sequences
/// that ended leave at once, so a long generation never holds a short one back.
/// </summary>
internal sealed class ContinuousBatchLoop(LlamaModel model, KvStore store, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue, TraceRecorder trace, SchedulerLimits limits)
    : ServingLoop(model, store, eos, queue, trace, limits)
{
    public override void Run()
    {
        while (true)
        {
            DrainQueue();
            if (Running.Count == 0 && Waiting.Count == 0)
            {
                if (!WaitForRequest())
                {
                    return;
                }

                continue;
            }

            long start = Stopwatch.GetTimestamp();
            int step = Trace.NextStep;
            MakeRoom();

            // Decode rows come out of the step's token budget first; prompts get what is left. A sequence prefilled in
            // this step decodes from the next, so the step never computes more positions than the budget.
            bool chunked = Limits.MaxBatchedTokens > 0;
            int decodeRows = Math.Min(PlannedDecodeRows(), Math.Min(Model.MaxRows, chunked ? Limits.MaxBatchedTokens : int.MaxValue));
            int budget = chunked ? Limits.MaxBatchedTokens - decodeRows : int.MaxValue;
            int prefilled = 0;
            var prefilling = new HashSet<ActiveSequence>();
            foreach (ActiveSequence s in Running.Where(s => !s.PromptDone).ToList())
            {
                prefilled += PrefillSome(s, budget - prefilled, step);
                prefilling.Add(s);
            }

            while (Waiting.Count > 0 && Running.Count < SequenceCap && prefilled < budget && Running.All(s => s.PromptDone))
            {
                ActiveSequence next = Waiting.First!.Value;
                int positions = next.PositionsNeeded;
                AdmitResult result = TryAdmitFirst(positions, keepHeadroom: Running.Count > 0);
                if (result == AdmitResult.NotNow)
                {
                    if (Running.Count == 0)
                    {
                        FailFirstWaiting(positions);
                        continue;
                    }

                    break;
                }

                if (result == AdmitResult.Admitted)
                {
                    prefilled += PrefillSome(next, budget - prefilled, step);
                    prefilling.Add(next);
                }
            }

            int decoded = Decode(step, decodeRows, prefilling);
            EndStep(start, decoded, prefilled);
        }
    }
}
