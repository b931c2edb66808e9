using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// Contiguous KV cache for one sequence: per layer K and V of shape [kvHeads, capacity, headDim] in fp32, allocated
/// up front (uninitialised, so pages are only touched as positions fill). Prefill writes it through libtorch, decode
/// kernels through the tensors' data pointers.
/// </summary>
public sealed class KvCache : IDisposable
{
    public KvCache(LlamaConfig config, int capacity)
    {
        Capacity = capacity;
        KvHeads = config.NumKvHeads;
        HeadDim = config.HeadDim;
        Keys = new Tensor[config.NumLayers];
        Values = new Tensor[config.NumLayers];
        for (int i = 0; i < config.NumLayers; i++)
        {
            Keys[i] = torch.empty([KvHeads, capacity, HeadDim], ScalarType.Float32);
            Values[i] = torch.empty([KvHeads, capacity, HeadDim], ScalarType.Float32);
        }
    }

    public int Capacity { get; }

    public int KvHeads { get; }

    public int HeadDim { get; }

    /// <summary>Positions [0, Length) hold valid keys and values.</summary>
    public int Length { get; set; }

    /// <summary>Per layer, [kvHeads, capacity, headDim].</summary>
    public Tensor[] Keys { get; }

    /// <summary>Per layer, [kvHeads, capacity, headDim].</summary>
    public Tensor[] Values { get; }

    public long BytesPerToken => 2L * Keys.Length * KvHeads * HeadDim * sizeof(float);

    public long ReservedBytes => BytesPerToken * Capacity;

    public long UsedBytes => BytesPerToken * Length;

    public void Dispose()
    {
        foreach (Tensor t in Keys.Concat(Values))
        {
            t.Dispose();
        }
    }
}
