using System.Threading.Channels;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// The engine thread's scheduling loop: takes requests from the queue, prefills them into KV cache slots and runs
/// decode steps over the sequences in flight. Subclasses decide when sequences join and leave a batch.
/// </summary>
internal abstract class ServingLoop(LlamaModel model, KvCacheSlots slots, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue)
{
    private float[] logits = new float[model.Config.VocabSize];

    protected ChannelReader<PendingRequest> Queue { get; } = queue;

    protected KvCacheSlots Slots { get; } = slots;

    public static ServingLoop Create(BatchingMode mode, LlamaModel model, KvCacheSlots slots, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue, TimeSpan batchWait) => mode switch
    {
        BatchingMode.None => new SequentialLoop(model, slots, eos, queue),
        BatchingMode.Static => new StaticBatchLoop(model, slots, eos, queue, batchWait),
        BatchingMode.Continuous => new ContinuousBatchLoop(model, slots, eos, queue),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Serves until the queue is completed and every sequence has finished.</summary>
    public abstract void Run();

    /// <summary>Blocks until a request is queued (true) or the queue is completed and empty (false).</summary>
    protected bool WaitForRequest() => Queue.WaitToReadAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Takes a slot and prefills; returns the sequence if it still has tokens to generate.</summary>
    protected ActiveSequence? Start(PendingRequest pending)
    {
        KvCache cache = Slots.Rent();
        var sequence = new ActiveSequence(pending, cache, model.MaxContext, eos);
        try
        {
            sequence.Prefill(model, logits.AsSpan(0, model.Config.VocabSize));
        }
        catch (Exception ex)
        {
            sequence.Fail(ex);
        }

        if (sequence.Finished)
        {
            Slots.Return(cache);
            return null;
        }

        Slots.Track();
        return sequence;
    }

    /// <summary>One decode step over every running sequence; finished ones leave the list and free their slot.</summary>
    protected void Step(List<ActiveSequence> running)
    {
        int vocab = model.Config.VocabSize;
        if (logits.Length < running.Count * vocab)
        {
            logits = new float[running.Count * vocab];
        }

        int[] ids = [.. running.Select(s => s.NextToken)];
        try
        {
            model.DecodeBatch(ids, [.. running.Select(s => s.Cache)], logits.AsSpan(0, running.Count * vocab));
            for (int b = 0; b < running.Count; b++)
            {
                running[b].Emit(logits.AsSpan(b * vocab, vocab));
            }
        }
        catch (Exception ex)
        {
            // A failed step leaves every cache of the batch in doubt: end those requests, keep serving the rest.
            foreach (ActiveSequence s in running.Where(s => !s.Finished))
            {
                s.Fail(ex);
            }
        }

        Slots.Track();
        foreach (ActiveSequence done in running.Where(s => s.Finished).ToList())
        {
            running.Remove(done);
            Slots.Return(done.Cache);
        }
    }
}
