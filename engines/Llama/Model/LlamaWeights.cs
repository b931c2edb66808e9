using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// All weights of a model, converted once to the compute precision and laid out for inference. Both the libtorch
/// path and the decode kernels read these same tensors (the kernels through their data pointers), so the two paths
/// cannot drift apart.
/// </summary>
public sealed class LlamaWeights : IDisposable
{
    private LlamaWeights(LlamaConfig config, Precision precision, Tensor embedding, Tensor lmHead, Tensor finalNorm, LayerWeights[] layers)
    {
        Config = config;
        Precision = precision;
        Embedding = embedding;
        LmHead = lmHead;
        FinalNorm = finalNorm;
        Layers = layers;
    }

    public LlamaConfig Config { get; }

    public Precision Precision { get; }

    /// <summary>[vocab, d] in the compute precision.</summary>
    public Tensor Embedding { get; }

    /// <summary>[vocab, d]; the same tensor as <see cref="Embedding"/> when tied.</summary>
    public Tensor LmHead { get; }

    /// <summary>[d] fp32.</summary>
    public Tensor FinalNorm { get; }

    public IReadOnlyList<LayerWeights> Layers { get; }

    /// <summary>Bytes held for inference, each tensor counted once.</summary>
    public long Bytes => Distinct().Sum(t => t.NumberOfElements * t.ElementSize);

    /// <summary>
    /// Bytes a decode step reads: every layer matrix and the LM head once, plus one embedding row. This is the
    /// denominator of the bandwidth roofline.
    /// </summary>
    public long BytesReadPerToken
    {
        get
        {
            long bytes = Layers.Sum(l => l.All().Sum(t => t.NumberOfElements * t.ElementSize));
            bytes += LmHead.NumberOfElements * LmHead.ElementSize;
            bytes += FinalNorm.NumberOfElements * FinalNorm.ElementSize;
            bytes += Config.HiddenSize * Embedding.ElementSize;
            return bytes;
        }
    }

    /// <summary>
    /// Builds inference weights from checkpoint tensors named as in Hugging Face Llama checkpoints.
    /// <paramref name="tensor"/> returns a stored tensor by name (any float dtype), or null when absent.
    /// </summary>
    public static LlamaWeights Create(LlamaConfig config, Precision precision, Func<string, Tensor?> tensor)
    {
        ScalarType dtype = precision.DType();
        using var noGrad = torch.no_grad();

        Tensor Required(string name) => tensor(name) ?? throw new EngineException($"checkpoint is missing tensor '{name}'");
        Tensor Convert(Tensor t, ScalarType to) => t.dtype == to && t.is_contiguous() ? t.alias() : t.to(to).contiguous();

        var layers = new LayerWeights[config.NumLayers];
        for (int i = 0; i < config.NumLayers; i++)
        {
            string p = $"model.layers.{i}.";
            using Tensor qkv = torch.cat([Required(p + "self_attn.q_proj.weight"), Required(p + "self_attn.k_proj.weight"), Required(p + "self_attn.v_proj.weight")], 0);
            using Tensor gateUp = torch.cat([Required(p + "mlp.gate_proj.weight"), Required(p + "mlp.up_proj.weight")], 0);
            Tensor? bias = null;
            if (config.AttentionBias)
            {
                using Tensor b = torch.cat([Required(p + "self_attn.q_proj.bias"), Required(p + "self_attn.k_proj.bias"), Required(p + "self_attn.v_proj.bias")], 0);
                bias = Convert(b, dtype);
            }

            layers[i] = new LayerWeights
            {
                AttentionNorm = Convert(Required(p + "input_layernorm.weight"), ScalarType.Float32),
                Qkv = Convert(qkv, dtype),
                QkvBias = bias,
                Output = Convert(Required(p + "self_attn.o_proj.weight"), dtype),
                MlpNorm = Convert(Required(p + "post_attention_layernorm.weight"), ScalarType.Float32),
                GateUp = Convert(gateUp, dtype),
                Down = Convert(Required(p + "mlp.down_proj.weight"), dtype),
            };
        }

        Tensor embedding = Convert(Required("model.embed_tokens.weight"), dtype);
        Tensor lmHead = config.TieEmbeddings ? embedding : Convert(Required("lm_head.weight"), dtype);
        Tensor finalNorm = Convert(Required("model.norm.weight"), ScalarType.Float32);
        return new LlamaWeights(config, precision, embedding, lmHead, finalNorm, layers);
    }

    public void Dispose()
    {
        // Materialised first: a tied LM head is the embedding tensor, whose handle is gone once disposed.
        foreach (Tensor t in Distinct().ToList())
        {
            t.Dispose();
        }
    }

    private IEnumerable<Tensor> Distinct()
    {
        var seen = new HashSet<IntPtr>();
        foreach (Tensor t in Layers.SelectMany(l => l.All()).Append(Embedding).Append(LmHead).Append(FinalNorm))
        {
            if (seen.Add(t.Handle))
            {
                yield return t;
            }
        }
    }
}
