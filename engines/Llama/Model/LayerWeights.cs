using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// One decoder layer's weights in the compute precision, with q/k/v and gate/up fused so each is one matrix read
/// per token. d = hidden size, q = heads*headDim, kv = kvHeads*headDim, i = intermediate size.
/// </summary>
public sealed class LayerWeights : IDisposable
{
    /// <summary>[d] fp32.</summary>
    public required Tensor AttentionNorm { get; init; }

    /// <summary>[q + 2kv, d]: rows 0..q are Wq, then Wk, then Wv.</summary>
    public required Tensor Qkv { get; init; }

    /// <summary>[q + 2kv] in the compute precision, or null when the model has no q/k/v bias.</summary>
    public Tensor? QkvBias { get; init; }

    /// <summary>[d, q].</summary>
    public required Tensor Output { get; init; }

    /// <summary>[d] fp32.</summary>
    public required Tensor MlpNorm { get; init; }

    /// <summary>[2i, d]: rows 0..i are the gate projection, i..2i the up projection.</summary>
    public required Tensor GateUp { get; init; }

    /// <summary>[d, i].</summary>
    public required Tensor Down { get; init; }

    /// <summary>Int8: [q + 2kv] fp32 row scales of <see cref="Qkv"/>; null for float precisions.</summary>
    public Tensor? QkvScale { get; init; }

    /// <summary>Int8: [d] row scales of <see cref="Output"/>.</summary>
    public Tensor? OutputScale { get; init; }

    /// <summary>Int8: [2i] row scales of <see cref="GateUp"/>.</summary>
    public Tensor? GateUpScale { get; init; }

    /// <summary>Int8: [d] row scales of <see cref="Down"/>.</summary>
    public Tensor? DownScale { get; init; }

    /// <summary>Each tensor (null where absent) by its name in a saved model, as <see cref="LlamaWeights.Adopt"/> reads it back.</summary>
    public IEnumerable<(string Name, Tensor? Tensor)> Named()
    {
        yield return ("attention_norm", AttentionNorm);
        yield return ("qkv", Qkv);
        yield return ("qkv_scale", QkvScale);
        yield return ("qkv_bias", QkvBias);
        yield return ("output", Output);
        yield return ("output_scale", OutputScale);
        yield return ("mlp_norm", MlpNorm);
        yield return ("gate_up", GateUp);
        yield return ("gate_up_scale", GateUpScale);
        yield return ("down", Down);
        yield return ("down_scale", DownScale);
    }

    public IEnumerable<Tensor> All()
    {
        yield return AttentionNorm;
        yield return Qkv;
        if (QkvBias is not null)
        {
            yield return QkvBias;
        }

        yield return Output;
        yield return MlpNorm;
        yield return GateUp;
        yield return Down;
        foreach (Tensor? scale in new[] { QkvScale, OutputScale, GateUpScale, DownScale })
        {
            if (scale is not null)
            {
                yield return scale;
            }
        }
    }

    public void Dispose()
    {
        foreach (Tensor t in All())
        {
            t.Dispose();
        }
    }
}
