using System.Diagnostics;
using System.Threading.Channels;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// The engine thread's scheduling loop. Requests wait first come first served in <see cref="Waiting"/>; admitted
/// sequences hold KV memory and sit in <see cref="Running"/>, in admission order. A step prefills (libtorch) what the
/// policy admits and then runs one decode pass over every running sequence whose prompt is stored; subclasses decide
/// when sequences join and leave. Every step and request event goes to the trace.
/// </summary>
internal abstract class ServingLoop(LlamaModel model, KvStore store, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue, TraceRecorder trace, SchedulerLimits limits)
{
    private float[] logits = new float[model.Config.VocabSize];

    protected LlamaModel Model { get; } = model;

    protected KvStore Store { get; } = store;

    protected TraceRecorder Trace { get; } = trace;

    protected SchedulerLimits Limits { get; } = limits;

    /// <summary>Sequences holding KV, oldest admission first.</summary>
    protected List<ActiveSequence> Running { get; } = [];

    /// <summary>Sequences waiting for KV: new requests in arrival order, preempted ones put back at the front.</summary>
    protected LinkedList<ActiveSequence> Waiting { get; } = new();

    /// <summary>Most sequences that may hold KV at once under both the batch limit and the store.</summary>
    protected int SequenceCap => Math.Min(Limits.MaxSequences, Store.MaxSequences);

    public static ServingLoop Create(BatchingMode mode, LlamaModel model, KvStore store, IReadOnlyList<int> eos, ChannelReader<PendingRequest> queue, TraceRecorder trace, SchedulerLimits limits) => mode switch
    {
        // One at a time is a static batch of one that never waits for company.
        BatchingMode.None => new StaticBatchLoop(model, store, eos, queue, trace, limits with { MaxSequences = 1, BatchWait = TimeSpan.Zero }),
        BatchingMode.Static => new StaticBatchLoop(model, store, eos, queue, trace, limits),
        BatchingMode.Continuous => new ContinuousBatchLoop(model, store, eos, queue, trace, limits),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Serves until the queue is completed and every sequence has finished.</summary>
    public abstract void Run();

    /// <summary>Blocks until a request is queued (true) or the queue is completed and empty (false).</summary>
    protected bool WaitForRequest() => queue.WaitToReadAsync().AsTask().GetAwaiter().GetResult();

    protected bool QueueCompleted => queue.Completion.IsCompleted;

    /// <summary>Moves queued requests to the back of <see cref="Waiting"/> and ends those cancelled while waiting.</summary>
    protected void DrainQueue()
    {
        while (queue.TryRead(out PendingRequest? pending))
        {
            Waiting.AddLast(new ActiveSequence(pending, Model.MaxContext, eos));
        }

        for (LinkedListNode<ActiveSequence>? node = Waiting.First; node is not null;)
        {
            LinkedListNode<ActiveSequence>? next = node.Next;
            if (node.Value.Pending.Cancellation.IsCancellationRequested)
            {
                node.Value.Abandon();
                Close(node.Value);
                Waiting.Remove(node);
            }

            node = next;
        }
    }

    /// <summary>
    /// Gives the first waiting sequence KV for <paramref name="positions"/> positions (a cached prefix first) and
    /// moves it to <see cref="Running"/>. With <paramref name="keepHeadroom"/>, admission also leaves the store's
    /// watermark free for the running sequences.
    /// </summary>
    protected AdmitResult TryAdmitFirst(int positions, bool keepHeadroom)
    {
        ActiveSequence s = Waiting.First!.Value;
        if (Store.NeverFits(positions))
        {
            Waiting.RemoveFirst();
            Reject(s, positions);
            return AdmitResult.Failed;
        }

        if (Store.TryCreate() is not { } kv)
        {
            return AdmitResult.NotNow;
        }

        int cached = Store.MatchPrefix(kv, s.Prompt);
        if ((keepHeadroom && !Store.HasHeadroomFor(positions - cached)) || !Store.TryGrow(kv, positions))
        {
            Store.Release(kv);
            return AdmitResult.NotNow;
        }

        Waiting.RemoveFirst();
        s.Kv = kv;
        s.MarkComputeStart();
        Running.Add(s);
        if (Store.CachesPrefixes)
        {
            Trace.PrefixLookup(cached, s.Prompt.Length - cached);
        }

        if (cached > 0)
        {
            Trace.Instant(s.Id, EngineEventKind.PrefixHit, Stopwatch.GetTimestamp(), cached);
        }

        return AdmitResult.Admitted;
    }

    /// <summary>A sequence that cannot be admitted even with nothing else running is failed rather than left waiting forever.</summary>
    protected void FailFirstWaiting(int positions)
    {
        ActiveSequence s = Waiting.First!.Value;
        Waiting.RemoveFirst();
        Reject(s, positions);
    }

    /// <summary>
    /// Computes up to <paramref name="budget"/> of a running sequence's prompt positions (libtorch). When the prompt is
    /// complete its blocks are offered to the prefix cache and, the first time, the first token is streamed.
    /// </summary>
    /// <returns>Positions computed.</returns>
    protected int PrefillSome(ActiveSequence s, int budget, int step)
    {
        int start = s.Stored;
        int n = Math.Min(budget, s.Prompt.Length - start);
        if (n <= 0 || s.Kv is not { } kv)
        {
            return 0;
        }

        int vocab = Model.Config.VocabSize;
        long t0 = Stopwatch.GetTimestamp();
        bool resumed = s.Generated.Count > 0;
        try
        {
            Store.Prefill(Model, kv, s.Prompt.AsSpan(start, n), logits.AsSpan(0, vocab));
        }
        catch (Exception ex)
        {
            s.Fail(ex);
            return n;
        }

        Trace.Event(s.Id, resumed ? EngineEventKind.Recompute : EngineEventKind.Prefill, t0, Stopwatch.GetTimestamp(), step, n);
        if (s.PromptDone)
        {
            Store.RegisterPrefix(kv, s.Prompt);
            if (!resumed)
            {
                s.Emit(logits.AsSpan(0, vocab));
            }
        }

        return n;
    }

    /// <summary>
    /// Makes sure every running sequence with its prompt stored has room for its next decode row, oldest first. When
    /// memory runs out the newest running sequence is preempted (vLLM's recompute policy): its KV goes back and it waits
    /// at the front of the queue to be recomputed, prompt and generated tokens alike.
    /// </summary>
    protected void MakeRoom()
    {
        for (int i = 0; i < Running.Count; i++)
        {
            ActiveSequence s = Running[i];
            if (!s.PromptDone || s.Kv is not { } kv)
            {
                continue;
            }

            while (!Store.TryGrow(kv, s.PositionsNeeded))
            {
                ActiveSequence victim = Running[^1];
                if (victim == s && Running.Count == 1)
                {
                    Running.RemoveAt(0);
                    Store.Release(kv);
                    Reject(s, s.PositionsNeeded);
                    return;
                }

                Preempt(victim);
                if (victim == s)
                {
                    i--;
                    break;
                }
            }
        }
    }

    /// <summary>
    /// One decode pass. Each running sequence whose prompt is stored contributes the rows from its stored length up to
    /// its frontier: one row normally, more while it recomputes generated positions after a preemption. Single rows go
    /// first so a recomputing sequence never holds the others back; at most <see cref="LlamaModel.MaxRows"/> rows run.
    /// Sequences whose frontier row ran stream a token.
    /// </summary>
    /// <param name="rowLimit">Most rows this pass may run (the step's token budget); the model's limit applies too.</param>
    /// <param name="skip">Sequences that prefilled in this step and decode from the next.</param>
    /// <returns>Sequences that streamed a token.</returns>
    protected int Decode(int step, int rowLimit = int.MaxValue, IReadOnlySet<ActiveSequence>? skip = null)
    {
        int maxRows = Math.Min(Model.MaxRows, rowLimit);
        var ids = new List<int>(maxRows);
        var positions = new List<int>(maxRows);
        var kvs = new List<IKvSequence>(maxRows);
        var emit = new List<bool>(maxRows);
        var members = new List<(ActiveSequence Sequence, int Rows, bool Emits)>();
        foreach (ActiveSequence s in DecodeCandidates(skip))
        {
            int rows = Math.Min(s.Frontier + 1 - s.Stored, maxRows - ids.Count);
            if (rows <= 0)
            {
                continue;
            }

            bool emits = s.Stored + rows == s.Frontier + 1;
            for (int p = s.Stored; p < s.Stored + rows; p++)
            {
                ids.Add(s.TokenAt(p));
                positions.Add(p);
                kvs.Add(s.Kv!);
                emit.Add(emits && p == s.Frontier);
            }

            members.Add((s, rows, emits));
        }

        if (members.Count == 0)
        {
            return 0;
        }

        int vocab = Model.Config.VocabSize;
        int emitting = members.Count(m => m.Emits);
        if (logits.Length < emitting * vocab)
        {
            logits = new float[emitting * vocab];
        }

        long t0 = Stopwatch.GetTimestamp();
        try
        {
            Model.Forward([.. ids], [.. positions], kvs, [.. emit], logits.AsSpan(0, emitting * vocab));
        }
        catch (Exception ex)
        {
            // A failed pass leaves every cache in it in doubt: end those requests, keep serving the rest.
            foreach ((ActiveSequence s, _, _) in members)
            {
                s.Fail(ex);
            }

            return 0;
        }

        long t1 = Stopwatch.GetTimestamp();
        int row = 0;
        foreach ((ActiveSequence s, int rows, bool emits) in members)
        {
            s.Kv!.Length = s.Stored + rows;
            int replayed = emits ? rows - 1 : rows;
            if (replayed > 0)
            {
                Trace.Event(s.Id, EngineEventKind.Recompute, t0, t1, step, replayed);
            }

            if (emits)
            {
                Trace.Event(s.Id, EngineEventKind.Decode, t0, t1, step, 1);
                s.Emit(logits.AsSpan(row++ * vocab, vocab));
            }
        }

        return emitting;
    }

    /// <summary>Decode rows the running sequences want this step (before the model's row limit).</summary>
    protected int PlannedDecodeRows() => DecodeCandidates(null).Sum(s => s.Frontier + 1 - s.Stored);

    private IEnumerable<ActiveSequence> DecodeCandidates(IReadOnlySet<ActiveSequence>? skip) =>
        Running.Where(s => s.PromptDone && !s.Finished && s.Kv is not null && (skip is null || !skip.Contains(s)))
            .OrderBy(s => s.Frontier + 1 - s.Stored);

    /// <summary>Sequences that ended give their KV back and leave <see cref="Running"/>.</summary>
    protected void Retire()
    {
        for (int i = Running.Count - 1; i >= 0; i--)
        {
            ActiveSequence s = Running[i];
            if (!s.Finished)
            {
                continue;
            }

            Running.RemoveAt(i);
            if (s.Kv is { } kv)
            {
                Store.Release(kv);
                s.Kv = null;
            }

            Close(s);
        }
    }

    /// <summary>Fails a request whose positions the KV cache cannot hold.</summary>
    private void Reject(ActiveSequence s, int positions)
    {
        s.Fail(new EngineException($"request {s.Id}: {positions} positions do not fit the KV cache ({Store.CapacityBytes} bytes, {Store.Layout})"));
        Close(s);
    }

    /// <summary>Records a request's end, then ends its caller's stream.</summary>
    protected void Close(ActiveSequence s)
    {
        Trace.Instant(s.Id, EngineEventKind.Finished, Stopwatch.GetTimestamp());
        s.Close();
    }

    /// <summary>Samples the step's KV use (sequences that just ended still count: they held it during the step), retires
    /// what ended and records the step.</summary>
    protected void EndStep(long start, int decoded, int prefilled)
    {
        KvUsage usage = Store.Measure(Running.Where(s => s.Kv is not null).Select(s => s.Kv!));
        Trace.Step(start, Stopwatch.GetTimestamp(), decoded, prefilled, Running.Count(s => !s.Finished), Waiting.Count, usage);
        Retire();
    }

    private void Preempt(ActiveSequence victim)
    {
        Running.Remove(victim);
        Store.Release(victim.Kv!);
        victim.Preempt();
        Waiting.AddFirst(victim);
        Trace.Instant(victim.Id, EngineEventKind.Preempted, Stopwatch.GetTimestamp());
    }
}
