using Harness.Engines.Llama.Checkpoints;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// Float weights (a saved fp32 model, such as the default model) seen as a checkpoint: each tensor under its Hugging
/// Face name, the fused q/k/v and gate/up matrices split back into views, so <see cref="LlamaWeights.Create"/> can
/// quantise them and pruning can read them like any checkpoint. The views are freed with this object; the weights stay.
/// </summary>
public sealed class WeightsAsCheckpoint(LlamaWeights weights) : IDisposable
{
    private readonly List<Tensor> views = [];

    /// <summary>A tensor by its Hugging Face name, or null when the model has none by that name.</summary>
    public Tensor? TryGet(string name)
    {
        LlamaConfig c = weights.Config;
        if (weights.Precision is not (Precision.Fp32 or Precision.Bf16 or Precision.Fp16))
        {
            throw new EngineException($"a {weights.Precision.Name()} model cannot be read as a checkpoint; load the original");
        }

        switch (name)
        {
            case LlamaTensorNames.Embed:
                return weights.Embedding;
            case LlamaTensorNames.FinalNorm:
                return weights.FinalNorm;
            case LlamaTensorNames.LmHead:
                return c.TieEmbeddings ? null : weights.LmHead;
        }

        const string prefix = "model.layers.";
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.IndexOf('.', prefix.Length) is var dot && dot < 0
            || !int.TryParse(name[prefix.Length..dot], System.Globalization.CultureInfo.InvariantCulture, out int layer) || layer >= c.NumLayers)
        {
            return null;
        }

        LayerWeights l = weights.Layers[layer];
        int q = c.QueryDim, kv = c.KvDim, inner = c.IntermediateSize;
        return name[(dot + 1)..] switch
        {
            LlamaTensorNames.InputNorm => l.AttentionNorm,
            LlamaTensorNames.PostAttentionNorm => l.MlpNorm,
            LlamaTensorNames.Q => View(l.Qkv, 0, q),
            LlamaTensorNames.K => View(l.Qkv, q, kv),
            LlamaTensorNames.V => View(l.Qkv, q + kv, kv),
            LlamaTensorNames.QBias => l.QkvBias is null ? null : View(l.QkvBias, 0, q),
            LlamaTensorNames.KBias => l.QkvBias is null ? null : View(l.QkvBias, q, kv),
            LlamaTensorNames.VBias => l.QkvBias is null ? null : View(l.QkvBias, q + kv, kv),
            LlamaTensorNames.O => l.Output,
            LlamaTensorNames.Gate => View(l.GateUp, 0, inner),
            LlamaTensorNames.Up => View(l.GateUp, inner, inner),
            LlamaTensorNames.Down => l.Down,
            _ => null,
        };
    }

    public void Dispose()
    {
        foreach (Tensor v in views)
        {
            v.Dispose();
        }

        views.Clear();
    }

    // Rows [start, start + count) of a fused matrix (or bias), as a view.
    private Tensor View(Tensor fused, int start, int count)
    {
        Tensor view = fused.narrow(0, start, count);
        views.Add(view);
        return view;
    }
}
