using System.Diagnostics;
using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// A request being generated: its KV cache slot, sampler state, and the token to feed next. Sampling and the stop
/// rules live here so every batching mode streams tokens exactly the same way.
/// </summary>
internal sealed class ActiveSequence(PendingRequest pending, KvCache cache, int maxContext, IReadOnlyList<int> eos)
{
    private readonly int limit = Math.Min(pending.Request.MaxNewTokens, maxContext - pending.Request.PromptIds.Count);
    private SplitMix64 rng = new(pending.Request.Sampling.Seed);
    private long computeStart;
    private int emitted;

    public PendingRequest Pending { get; } = pending;

    public KvCache Cache { get; } = cache;

    /// <summary>The last sampled token, fed to the next decode step.</summary>
    public int NextToken { get; private set; }

    public bool Finished { get; private set; }

    /// <summary>Runs the prompt (libtorch prefill into this sequence's cache) and streams the first token.</summary>
    public void Prefill(LlamaModel model, Span<float> logits)
    {
        Cache.Length = 0;
        computeStart = Stopwatch.GetTimestamp();
        int[] prompt = [.. Pending.Request.PromptIds];
        model.Prefill(prompt, Cache, logits);
        Emit(logits);
    }

    /// <summary>Samples from this sequence's logits, streams the token and applies the stop rules.</summary>
    public void Emit(Span<float> logits)
    {
        GenerationRequest request = Pending.Request;
        int token = Sampler.Sample(logits, request.Sampling, ref rng);
        long now = Stopwatch.GetTimestamp();
        int index = emitted++;
        FinishReason? finish = Pending.Cancellation.IsCancellationRequested ? FinishReason.Cancelled
            : !request.IgnoreEos && eos.Contains(token) ? FinishReason.Eos
            : index + 1 >= limit ? FinishReason.Length
            : null;
        Pending.Output.Writer.TryWrite(new TokenEvent(token, index, now, finish, index == 0 ? computeStart : null));
        NextToken = token;
        if (finish is not null)
        {
            Finished = true;
            Pending.Output.Writer.TryComplete();
        }
    }

    /// <summary>Ends the request with an error (the others in its batch go on).</summary>
    public void Fail(Exception ex)
    {
        Finished = true;
        Pending.Output.Writer.TryComplete(ex is EngineException ? ex : new EngineException($"request {Pending.Request.Id} failed: {ex.Message}", ex));
    }
}
