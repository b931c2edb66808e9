using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Harness.Engines.Llama.Batching;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama;

/// <summary>
/// The project's Llama-family engine. Requests are queued and served by a dedicated engine thread under the chosen
/// batching mode (one at a time, static batches, or continuous batching), prefill through libtorch and decode through
/// the selected decode path; each token is streamed with the time it became ready.
/// </summary>
public sealed class LlamaEngine : IInferenceEngine
{
    /// <summary>How long a static batch waits for more requests after its first arrived, unless set.</summary>
    public static readonly TimeSpan DefaultBatchWait = TimeSpan.FromMilliseconds(50);

    private readonly Channel<PendingRequest> queue = Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread loop;
    private readonly KvCacheSlots slots;
    private readonly ServingLoop serving;

    public LlamaEngine(LlamaModel model, ITokenizer? tokenizer, EngineOptions options, TimeSpan? batchWait = null)
    {
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        Batching = BatchingModeNames.Parse(options.Batching);
        int maxBatch = Batching == BatchingMode.None ? 1 : Math.Max(1, options.MaxBatch);
        slots = new KvCacheSlots(model, maxBatch);
        IReadOnlyList<int> eos = tokenizer?.EosTokenIds is { Count: > 0 } e ? e : model.Config.EosTokenIds;
        serving = ServingLoop.Create(Batching, model, slots, eos, queue.Reader, batchWait ?? DefaultBatchWait);
        Capabilities = DescribeCapabilities(model.MaxContext);
        loop = new Thread(Run) { IsBackground = true, Name = "llama-engine" };
        loop.Start();
    }

    public LlamaModel Model { get; }

    public BatchingMode Batching { get; }

    public EngineCapabilities Capabilities { get; }

    public EngineOptions Options { get; }

    public ITokenizer? Tokenizer { get; }

    public int MaxContextTokens => Model.MaxContext;

    public EngineMemory Memory => new(
        WeightsBytes: Model.Weights.Bytes,
        KvCacheReservedBytes: slots.ReservedBytes,
        KvCacheUsedBytes: slots.UsedBytes,
        KvCachePeakBytes: slots.PeakUsedBytes,
        PeakRssBytes: ProcessMemory.PeakRssBytes());

    public static EngineCapabilities DescribeCapabilities(int maxContext) => new(
        Engine: "llama-torchsharp",
        Device: "cpu",
        Precisions: PrecisionNames.All,
        AttentionKinds: AttentionKindNames.All,
        BatchingModes: BatchingModeNames.All,
        TensorParallelSizes: [1],
        MaxContextTokens: maxContext);

    public async IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Validate(request);
        var pending = new PendingRequest(request, Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true }), cancellationToken);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(LlamaEngine));
        }

        await foreach (TokenEvent token in pending.Output.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            yield return token;
        }
    }

    public void Dispose()
    {
        queue.Writer.TryComplete();
        loop.Join();
        slots.Dispose();
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

        int vocab = Model.Config.VocabSize;
        foreach (int id in request.PromptIds)
        {
            if ((uint)id >= (uint)vocab)
            {
                throw new EngineException($"request {request.Id}: token id {id} is outside the vocabulary [0, {vocab})");
            }
        }
    }

    private void Run()
    {
        try
        {
            serving.Run();
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
