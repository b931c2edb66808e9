using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Harness.Engines.Llama.Batching;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama;

/// <summary>
/// The project's Llama-family engine. Requests are queued and served by a dedicated engine thread under the chosen
/// batching mode (one at a time, static batches, or continuous batching) over contiguous or paged KV memory, prefill
/// through libtorch and decode through the selected decode path; each token is streamed with the time it became
/// ready, and the scheduler's steps and request events are kept for <see cref="IEngineTelemetry"/>.
/// </summary>
public sealed class LlamaEngine : IInferenceEngine, IEngineTelemetry, ISequenceScorer
{
    private readonly Channel<PendingRequest> queue = Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread loop;
    private readonly KvStore store;
    private readonly ServingLoop serving;
    private readonly TraceRecorder trace;

    public LlamaEngine(LlamaModel model, ITokenizer? tokenizer, LlamaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        Serving = options.Serving;
        Serving.CheckAgainst(model.Attention, model.DecodePath);
        long bytesPerToken = KvBlockPool.BytesPerTokenOf(model.Config);
        store = Serving.Layout == KvLayout.Paged
            ? new PagedKvStore(model, Serving.BlockSize, Serving.KvBudgetBytes > 0 ? Serving.KvBudgetBytes : Serving.MaxBatch * bytesPerToken * model.MaxContext, Serving.PrefixCache)
            : new ContiguousKvStore(model, Serving.MaxBatch, Serving.KvBudgetBytes);
        trace = new TraceRecorder(store.Layout, store.BlockSize, bytesPerToken, model.MaxContext);
        IReadOnlyList<int> eos = tokenizer?.EosTokenIds is { Count: > 0 } e ? e : model.Config.EosTokenIds;
        var limits = new SchedulerLimits(Serving.MaxBatch, Serving.MaxBatchedTokens, Serving.BatchWait);
        this.serving = ServingLoop.Create(Serving.Batching, model, store, eos, queue.Reader, trace, limits);
        Capabilities = DescribeCapabilities();
        loop = new Thread(Run) { IsBackground = true, Name = "llama-engine" };
        loop.Start();
    }

    public LlamaModel Model { get; }

    public BatchingMode Batching => Serving.Batching;

    public ServingOptions Serving { get; }

    public EngineCapabilities Capabilities { get; }

    /// <summary>The options this instance was built with.</summary>
    public LlamaOptions Options { get; }

    public ITokenizer? Tokenizer { get; }

    public int MaxContextTokens => Model.MaxContext;

    public EngineMemory Memory => new(
        WeightsBytes: Model.Weights.Bytes,
        KvCacheReservedBytes: store.ReservedBytes,
        KvCacheUsedBytes: store.UsedBytes,
        KvCachePeakBytes: store.PeakUsedBytes,
        PeakRssBytes: ProcessMemory.PeakRssBytes());

    public static EngineCapabilities DescribeCapabilities() => new(
        Engine: "llama-torchsharp",
        Device: "cpu",
        ScoresSequences: true,
        ReportsSchedulerTelemetry: true,
        Streaming: TokenStreaming.PerToken);

    public async IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Validate(request);
        var pending = new PendingRequest(request, Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true }), cancellationToken);
        trace.Instant(request.Id, EngineEventKind.Queued, System.Diagnostics.Stopwatch.GetTimestamp());
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(LlamaEngine));
        }

        await foreach (TokenEvent token in pending.Output.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            yield return token;
        }
    }

    public EngineTrace Drain() => trace.Drain() with { Parallel = Model.TakeParallelProfile() };

    public int VocabSize => Model.Config.VocabSize;

    int? IInferenceEngine.VocabSize => VocabSize;

    public float[] ScoreSequence(IReadOnlyList<int> ids)
    {
        if (ids.Count == 0)
        {
            throw new EngineException("cannot score an empty sequence");
        }

        if (ids.Count > Model.MaxContext)
        {
            throw new EngineException($"a sequence of {ids.Count} tokens does not fit the context of {Model.MaxContext}");
        }

        int[] tokens = [.. ids];
        CheckVocabulary("scored sequence", tokens);
        using TorchSharp.torch.Tensor logits = Model.SequenceLogits(tokens);
        return logits.data<float>().ToArray();
    }

    public void Dispose()
    {
        queue.Writer.TryComplete();
        loop.Join();
        store.Dispose();
        Model.Dispose();
    }

    private void Validate(GenerationRequest request)
    {
        if (request.PromptIds.Count == 0)
        {
            throw new EngineException($"request {request.Id}: the prompt is empty");
        }

        if (request.MaxNewTokens < 1)
        {
            throw new EngineException($"request {request.Id}: max new tokens must be at least 1");
        }

        if (request.PromptIds.Count >= Model.MaxContext)
        {
            throw new EngineException($"request {request.Id}: prompt of {request.PromptIds.Count} tokens does not fit the context of {Model.MaxContext}");
        }

        CheckVocabulary($"request {request.Id}", request.PromptIds);
    }

    private void CheckVocabulary(string what, IEnumerable<int> ids)
    {
        int vocab = Model.Config.VocabSize;
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)vocab)
            {
                throw new EngineException($"{what}: token id {id} is outside the vocabulary [0, {vocab})");
            }
        }
    }

    private void Run()
    {
        try
        {
            this.serving.Run();
        }
        catch (Exception ex)
        {
            // The loop itself failed (not one request): fail everything still queued rather than hang its callers.
            while (queue.Reader.TryRead(out PendingRequest? pending))
            {
                pending.Output.Writer.TryComplete(new EngineException($"request {pending.Request.Id} failed: the engine stopped ({ex.Message})", ex));
            }
        }
    }
}
