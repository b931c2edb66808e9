using Harness.Engines.Llama.KvCache;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// A Llama-family model ready to run: weights in the compute precision, rotary tables, and the two forward
/// implementations (libtorch for prefill, kernels or libtorch for decode) over the same weights and KV cache.
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private readonly TorchForward torchForward;
    private readonly KernelLinear? kernelLinear;
    private readonly IDecodeStep? kernels;
    private readonly bool ownsWeights;

    /// <param name="ownsWeights">Dispose the weights with the model; false when several models share them (benchmarks).</param>
    /// <param name="prefillPath">Where prompts and scored sequences run: libtorch over the whole weights, or the kernel
    /// decoder in chunks (its tensor-parallel split included); the kernels need the kernel decode path.</param>
    public LlamaModel(
        LlamaWeights weights,
        int maxContext,
        AttentionKind attention,
        DecodePath decodePath,
        IDecodeStepFactory? kernelDecoder = null,
        bool ownsWeights = true,
        PrefillPath prefillPath = PrefillPath.Torch)
    {
        if (prefillPath == PrefillPath.Kernels && decodePath != DecodePath.Kernels)
        {
            throw new EngineException("kernel prefill needs the kernel decode path");
        }

        this.ownsWeights = ownsWeights;
        Weights = weights;
        Config = weights.Config;
        MaxContext = maxContext;
        Attention = attention;
        DecodePath = decodePath;
        PrefillPath = prefillPath;
        Rope = new RotaryEmbedding(Config, maxContext);
        // Int8-dynamic has no libtorch form; int8 and int4 use the kernels for a few rows only when decode does, so the
        // libtorch decode path stays libtorch's own baseline.
        bool cpu = weights.Embedding.device_type == DeviceType.CPU;
        if (cpu && (weights.Precision == Precision.Int8Dynamic || (weights.Precision is Precision.Int8 or Precision.Int4 && decodePath == DecodePath.Kernels)))
        {
            kernelLinear = new KernelLinear(torch.get_num_threads(), weights);
        }

        torchForward = new TorchForward(weights, Rope, kernelLinear);
        if (decodePath == DecodePath.Kernels)
        {
            try
            {
                kernels = (kernelDecoder ?? throw new EngineException("the kernel decode path needs a kernel decoder")).Create(this);
            }
            catch
            {
                // A split the model cannot take fails here; what was built so far is the model's to free.
                kernelLinear?.Dispose();
                Rope.Dispose();
                throw;
            }
        }
    }

    public LlamaConfig Config { get; }

    public LlamaWeights Weights { get; }

    public RotaryEmbedding Rope { get; }

    public int MaxContext { get; }

    public AttentionKind Attention { get; }

    public DecodePath DecodePath { get; }

    public PrefillPath PrefillPath { get; }

    public ContiguousKvCache NewCache() => new(Config, MaxContext);

    /// <summary>Runs the prompt through the model (on the prefill path) and writes the last position's logits.</summary>
    public void Prefill(ReadOnlySpan<int> ids, ContiguousKvCache cache, Span<float> logits)
    {
        if (PrefillPath == PrefillPath.Kernels)
        {
            kernels!.Prefill(ids, cache, logits);
            return;
        }

        using Tensor result = torchForward.Forward(ids, cache, Attention);
        result.data<float>().CopyTo(logits);
    }

    /// <summary>Runs one token at position cache.Length and writes its logits.</summary>
    public void Decode(int id, ContiguousKvCache cache, Span<float> logits)
    {
        if (kernels is not null)
        {
            kernels.Decode(id, cache, logits);
            return;
        }

        using Tensor result = torchForward.Forward([id], cache, Attention);
        result.data<float>().CopyTo(logits);
    }

    /// <summary>
    /// One decode step for several sequences (ids[b] at position caches[b].Length), logits [B, vocab]. The kernel path
    /// streams the weights once for the whole batch; the libtorch path runs the sequences one after another.
    /// </summary>
    public void DecodeBatch(ReadOnlySpan<int> ids, IReadOnlyList<ContiguousKvCache> caches, Span<float> logits)
    {
        int vocab = Config.VocabSize;
        if (kernels is not null && ids.Length <= kernels.MaxBatch)
        {
            kernels.DecodeBatch(ids, caches, logits);
            return;
        }

        for (int b = 0; b < ids.Length; b++)
        {
            Decode(ids[b], caches[b], logits.Slice(b * vocab, vocab));
        }
    }

    /// <summary>Most rows one <see cref="Forward"/> runs as one batch (the libtorch decode path runs rows one at a time).</summary>
    public int MaxRows => kernels?.MaxBatch ?? 1;

    /// <summary>The kernel decoder's tensor-parallel split and time breakdown since the previous call; null on the libtorch decode path.</summary>
    public TensorParallelProfile? TakeParallelProfile() => kernels?.TakeProfile();

    /// <summary>True when decode can run over any <see cref="IKvSequence"/> (a paged cache needs the kernels).</summary>
    public bool HasKernelDecoder => kernels is not null;

    /// <summary>
    /// Rows ids[r] at positions[r] of kv[r] through the decode kernels (see <see cref="KernelDecoder.Forward"/>); logits
    /// [E, vocab] for the rows with emit[r]. Lengths are left to the caller. On the libtorch decode path the rows run
    /// one at a time and must be contiguous caches.
    /// </summary>
    public void Forward(ReadOnlySpan<int> ids, ReadOnlySpan<int> positions, IReadOnlyList<IKvSequence> kv, ReadOnlySpan<bool> emit, Span<float> logits)
    {
        if (kernels is not null)
        {
            kernels.Forward(ids, positions, kv, emit, logits);
            return;
        }

        int vocab = Config.VocabSize;
        int emitted = 0;
        for (int r = 0; r < ids.Length; r++)
        {
            if (kv[r] is not ContiguousKvCache cache)
            {
                throw new EngineException("the libtorch decode path needs contiguous KV caches");
            }

            int length = cache.Length;
            cache.Length = positions[r];
            using Tensor result = torchForward.Forward([ids[r]], cache, Attention);
            cache.Length = length;
            if (emit[r])
            {
                result.data<float>().CopyTo(logits.Slice(emitted++ * vocab, vocab));
            }
        }
    }

    /// <summary>Logits for every position of a sequence, from one pass on the prefill path: [T, vocab] fp32.</summary>
    public Tensor SequenceLogits(ReadOnlySpan<int> ids)
    {
        using var cache = new ContiguousKvCache(Config, ids.Length);
        if (PrefillPath == PrefillPath.Kernels)
        {
            float[] all = new float[(long)ids.Length * Config.VocabSize];
            kernels!.Prefill(ids, cache, all, allLogits: true);
            return torch.tensor(all, [ids.Length, Config.VocabSize]);
        }

        return torchForward.Forward(ids, cache, Attention, allLogits: true);
    }

    /// <summary>Runs a sequence through libtorch (from an empty cache) so <paramref name="observer"/> sees every matrix's input.</summary>
    public void Observe(ReadOnlySpan<int> ids, Compression.IActivationObserver observer)
    {
        using var cache = new ContiguousKvCache(Config, ids.Length);
        using Tensor logits = torchForward.Forward(ids, cache, Attention, observer: observer);
    }

    public void Dispose()
    {
        kernels?.Dispose();
        kernelLinear?.Dispose();
        Rope.Dispose();
        if (ownsWeights)
        {
            Weights.Dispose();
        }
    }
}
