using System.Runtime.CompilerServices;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// Contiguous KV cache for one sequence: per layer K and V of shape [kvHeads, capacity, headDim] in fp32, allocated
/// up front (uninitialised, so pages are only touched as positions fill). Prefill writes it through libtorch, decode
/// kernels through the tensors' data pointers.
/// </summary>
public sealed unsafe class ContiguousKvCache : IKvSequence, IDisposable
{
    public ContiguousKvCache(LlamaConfig config, int capacity)
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

    /// <summary>Base of one layer's K, [kvHeads, capacity, headDim].</summary>
    public float* KeysPointer(int layer) => TensorMemory.Floats(Keys[layer]);

    /// <summary>Base of one layer's V, [kvHeads, capacity, headDim].</summary>
    public float* ValuesPointer(int layer) => TensorMemory.Floats(Values[layer]);

    public void Store(int layer, int position, float* key, float* value, HeadSlice heads)
    {
        // Rows [kvHead, position, :] of the layer's K and V take this position's heads.
        float* keys = KeysPointer(layer);
        float* values = ValuesPointer(layer);
        uint rowBytes = (uint)(HeadDim * sizeof(float));
        for (int j = 0; j < heads.KvHeads; j++)
        {
            long slot = ((((long)heads.FirstKvHead + j) * Capacity) + position) * HeadDim;
            Unsafe.CopyBlock(keys + slot, key + (j * HeadDim), rowBytes);
            Unsafe.CopyBlock(values + slot, value + (j * HeadDim), rowBytes);
        }
    }

    public void Attend(KernelThreadPool pool, AttentionShape shape, HeadSlice heads, AttentionKind kind, int layer, float* q, int length, float* output, float* scores)
    {
        float* keys = KeysPointer(layer);
        float* values = ValuesPointer(layer);
        if (kind == AttentionKind.Fused)
        {
            DecodeAttention.Fused(pool, shape, q, keys, values, Capacity, length, output, slice: heads);
        }
        else
        {
            DecodeAttention.Unfused(pool, shape, q, keys, values, Capacity, length, output, scores, slice: heads);
        }
    }

    public void Dispose()
    {
        foreach (Tensor t in Keys.Concat(Values))
        {
            t.Dispose();
        }
    }
}
