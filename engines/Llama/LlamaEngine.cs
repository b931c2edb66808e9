using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama;

/// <summary>
/// The project's Llama-family engine. Requests are queued and served first come, first served, one sequence at a
/// time by a dedicated engine thread (prefill through libtorch, decode through the selected decode path); each
/// token is streamed with the time it became ready.
/// </summary>
public sealed class LlamaEngine : IInferenceEngine
{
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread loop;
    private readonly KvCache cache;
    private long kvPeakBytes;

    public LlamaEngine(LlamaModel model, ITokenizer? tokenizer, EngineOptions options)
    {
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        cache = model.NewCache();
        Capabilities = DescribeCapabilities(model.MaxContext);
        loop = new Thread(Run) { IsBackground = true, Name = "llama-engine" };
        loop.Start();
    }

    public LlamaModel Model { get; }

    public EngineCapabilities Capabilities { get; }

    public EngineOptions Options { get; }

    public ITokenizer? Tokenizer { get; }

    public int MaxContextTokens => Model.MaxContext;

    public EngineMemory Memory => new(
        WeightsBytes: Model.Weights.Bytes,
        KvCacheReservedBytes: cache.ReservedBytes,
        KvCacheUsedBytes: cache.UsedBytes,
        KvCachePeakBytes: Interlocked.Read(ref kvPeakBytes),
        PeakRssBytes: ProcessMemory.PeakRssBytes());

    public static EngineCapabilities DescribeCapabilities(int maxContext) => new(
        Engine: "llama-torchsharp",
        Device: "cpu",
        Precisions: PrecisionNames.All,
        AttentionKinds: AttentionKindNames.All,
        BatchingModes: ["none"],
        TensorParallelSizes: [1],
        MaxContextTokens: maxContext);

    public async IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Validate(request);
        var pending = new Pending(request, Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true }), cancellationToken);
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
        cache.Dispose();
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
        ChannelReader<Pending> reader = queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out Pending? pending))
            {
                try
                {
                    Generate(pending);
                    pending.Output.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    pending.Output.Writer.TryComplete(ex is EngineException ? ex : new EngineException($"request {pending.Request.Id} failed: {ex.Message}", ex));
                }
            }
        }
    }

    private void Generate(Pending pending)
    {
        GenerationRequest request = pending.Request;
        ChannelWriter<TokenEvent> output = pending.Output.Writer;
        var rng = new SplitMix64(request.Sampling.Seed);
        float[] logits = new float[Model.Config.VocabSize];
        IReadOnlyList<int> eos = Tokenizer?.EosTokenIds is { Count: > 0 } e ? e : Model.Config.EosTokenIds;

        cache.Length = 0;
        long computeStart = Stopwatch.GetTimestamp();
        int[] prompt = [.. request.PromptIds];
        Model.Prefill(prompt, cache, logits);

        int limit = Math.Min(request.MaxNewTokens, Model.MaxContext - prompt.Length);
        for (int index = 0; ; index++)
        {
            int token = Sampler.Sample(logits, request.Sampling, ref rng);
            long now = Stopwatch.GetTimestamp();
            FinishReason? finish = pending.Cancellation.IsCancellationRequested ? FinishReason.Cancelled
                : !request.IgnoreEos && eos.Contains(token) ? FinishReason.Eos
                : index + 1 >= limit ? FinishReason.Length
                : null;
            output.TryWrite(new TokenEvent(token, index, now, finish, index == 0 ? computeStart : null));
            TrackKvPeak();
            if (finish is not null)
            {
                return;
            }

            Model.Decode(token, cache, logits);
        }
    }

    private void TrackKvPeak()
    {
        long used = cache.UsedBytes;
        if (used > Interlocked.Read(ref kvPeakBytes))
        {
            Interlocked.Exchange(ref kvPeakBytes, used);
        }
    }

    private sealed record Pending(GenerationRequest Request, Channel<TokenEvent> Output, CancellationToken Cancellation);
}
