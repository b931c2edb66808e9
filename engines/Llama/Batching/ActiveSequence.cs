using System.Diagnostics;
using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// A request inside the engine: its prompt and the tokens generated so far, its KV memory while it holds some, and its
/// sampler state. Positions [0, prompt + generated − 1) are what its KV must hold before the next decode row (the last
/// generated token at <see cref="Frontier"/>). A preempted sequence loses its KV and is rebuilt from these ids later.
/// Sampling and the stop rules live here so every batching mode streams tokens exactly the same way.
/// </summary>
internal sealed class ActiveSequence(PendingRequest pending, int maxContext, IReadOnlyList<int> eos)
{
    private readonly int limit = Math.Min(pending.Request.MaxNewTokens, maxContext - pending.Request.PromptIds.Count);
    private readonly List<int> generated = [];
    private SplitMix64 rng = new(pending.Request.Sampling.Seed);
    private long computeStart;
    private Exception? error;

    public PendingRequest Pending { get; } = pending;

    public string Id => Pending.Request.Id;

    public int[] Prompt { get; } = [.. pending.Request.PromptIds];

    public IReadOnlyList<int> Generated => generated;

    /// <summary>KV memory while the sequence holds some; null while it waits (first admission or after a preemption).</summary>
    public IKvSequence? Kv { get; set; }

    /// <summary>Positions stored in <see cref="Kv"/> (0 without).</summary>
    public int Stored => Kv?.Length ?? 0;

    public bool PromptDone => Stored >= Prompt.Length;

    /// <summary>Position of the next decode row: the last generated token's (prompt length − 1 before any).</summary>
    public int Frontier => Prompt.Length + generated.Count - 1;

    /// <summary>Positions the KV must be able to hold before this sequence's next decode row runs.</summary>
    public int PositionsNeeded => Prompt.Length + Math.Max(1, generated.Count);

    /// <summary>Positions the sequence can ever need: its prompt plus every token it may generate.</summary>
    public int MaxPositions => Prompt.Length + limit;

    /// <summary>Token at a position of the sequence (prompt, then generated).</summary>
    public int TokenAt(int position) => position < Prompt.Length ? Prompt[position] : generated[position - Prompt.Length];

    /// <summary>Times this sequence lost its KV to a preemption.</summary>
    public int Preemptions { get; private set; }

    public bool Finished { get; private set; }

    /// <summary>Notes when the engine first started computing this request (reported with the first token).</summary>
    public void MarkComputeStart()
    {
        if (computeStart == 0)
        {
            computeStart = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The KV was taken back; positions are recomputed when the sequence is admitted again.</summary>
    public void Preempt()
    {
        Kv = null;
        Preemptions++;
    }

    /// <summary>Samples from this sequence's logits, streams the token and applies the stop rules.</summary>
    public void Emit(Span<float> logits)
    {
        GenerationRequest request = Pending.Request;
        int token = Sampler.Sample(logits, request.Sampling, ref rng);
        long now = Stopwatch.GetTimestamp();
        int index = generated.Count;
        generated.Add(token);
        FinishReason? finish = Pending.Cancellation.IsCancellationRequested ? FinishReason.Cancelled
            : !request.IgnoreEos && eos.Contains(token) ? FinishReason.Eos
            : index + 1 >= limit ? FinishReason.Length
            : null;
        Pending.Output.Writer.TryWrite(new TokenEvent(token, index, now, finish, index == 0 ? computeStart : null));
        Finished |= finish is not null;
    }

    /// <summary>Marks a request cancelled while it waited; it ends without a token.</summary>
    public void Abandon()
    {
        Finished = true;
        error = new OperationCanceledException(Pending.Cancellation);
    }

    /// <summary>Marks the request failed (the others in its batch go on).</summary>
    public void Fail(Exception ex)
    {
        Finished = true;
        error = ex is EngineException ? ex : new EngineException($"request {Id} failed: {ex.Message}", ex);
    }

    /// <summary>
    /// Ends the caller's token stream (with the failure, if any). Called by the scheduler once it has recorded the
    /// request's end, so a client that sees its stream end also finds the engine's record of it complete.
    /// </summary>
    public void Close() => Pending.Output.Writer.TryComplete(error);
}
