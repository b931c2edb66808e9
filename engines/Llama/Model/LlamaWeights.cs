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
    private LlamaWeights(LlamaConfig config, Precision precision, Tensor embedding, Tensor lmHead, Tensor finalNorm, LayerWeights[] layers, Tensor? embeddingScale = null, Tensor? lmHeadScale = null)
    {
        Config = config;
        Precision = precision;
        Embedding = embedding;
        EmbeddingScale = embeddingScale;
        LmHead = lmHead;
        LmHeadScale = lmHeadScale;
        FinalNorm = finalNorm;
        Layers = layers;
    }

    public LlamaConfig Config { get; }

    public Precision Precision { get; }

    /// <summary>[vocab, d] in the compute precision.</summary>
    public Tensor Embedding { get; }

    /// <summary>Int8: [vocab] fp32 row scales of <see cref="Embedding"/>; null for float precisions.</summary>
    public Tensor? EmbeddingScale { get; }

    /// <summary>[vocab, d]; the same tensor as <see cref="Embedding"/> when tied.</summary>
    public Tensor LmHead { get; }

    /// <summary>Int8: [vocab] row scales of <see cref="LmHead"/> (the embedding's when tied).</summary>
    public Tensor? LmHeadScale { get; }

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
            bytes += LmHeadScale is null ? 0 : LmHeadScale.NumberOfElements * LmHeadScale.ElementSize;
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

            if (precision == Precision.Int8)
            {
                (Tensor qkvQ, Tensor qkvS) = QuantizeRows(qkv);
                (Tensor outQ, Tensor outS) = QuantizeRows(Required(p + "self_attn.o_proj.weight"));
                (Tensor guQ, Tensor guS) = QuantizeRows(gateUp);
                (Tensor downQ, Tensor downS) = QuantizeRows(Required(p + "mlp.down_proj.weight"));
                layers[i] = new LayerWeights
                {
                    AttentionNorm = Convert(Required(p + "input_layernorm.weight"), ScalarType.Float32),
                    Qkv = qkvQ,
                    QkvScale = qkvS,
                    QkvBias = bias,
                    Output = outQ,
                    OutputScale = outS,
                    MlpNorm = Convert(Required(p + "post_attention_layernorm.weight"), ScalarType.Float32),
                    GateUp = guQ,
                    GateUpScale = guS,
                    Down = downQ,
                    DownScale = downS,
                };
                continue;
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

        Tensor finalNorm = Convert(Required("model.norm.weight"), ScalarType.Float32);
        if (precision == Precision.Int8)
        {
            // The embedding is quantised per token row too: a row's scale serves the lookup and, when tied, the LM head's
            // output channel of the same token.
            (Tensor embQ, Tensor embS) = QuantizeRows(Required("model.embed_tokens.weight"));
            (Tensor headQ, Tensor headS) = config.TieEmbeddings ? (embQ, embS) : QuantizeRows(Required("lm_head.weight"));
            return new LlamaWeights(config, precision, embQ, headQ, finalNorm, layers, embS, headS);
        }

        Tensor embedding = Convert(Required("model.embed_tokens.weight"), dtype);
        Tensor lmHead = config.TieEmbeddings ? embedding : Convert(Required("lm_head.weight"), dtype);
        return new LlamaWeights(config, precision, embedding, lmHead, finalNorm, layers);
    }

    /// <summary>
    /// Int8 with one scale per row, by <see cref="Kernels.Int8Quantizer"/> (the rule the kernel tests check), written
    /// straight into the tensors the model keeps: [rows, cols] int8 and [rows] fp32.
    /// </summary>
    public static unsafe (Tensor Quantized, Tensor Scales) QuantizeRows(Tensor weight)
    {
        using Tensor w = weight.to(ScalarType.Float32).contiguous();
        int rows = (int)w.shape[0], cols = (int)w.shape[1];
        Tensor q = torch.empty([rows, cols], ScalarType.Int8);
        Tensor scales = torch.empty([rows], ScalarType.Float32);
        Kernels.Int8Quantizer.QuantizeRows(
            new ReadOnlySpan<float>(TensorMemory.Floats(w), rows * cols),
            rows,
            cols,
            new Span<sbyte>(TensorMemory.Bytes(q), rows * cols),
            new Span<float>(TensorMemory.Floats(scales), rows));
        return (q, scales);
    }

    /// <summary>The weights a matrix stands for in fp32: itself, or q · scale per row for int8.</summary>
    public static Tensor Dequantize(Tensor weight, Tensor? scales) =>
        scales is null ? weight.to(ScalarType.Float32) : weight.to(ScalarType.Float32) * scales.unsqueeze(1);

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
        IEnumerable<Tensor> scales = new[] { EmbeddingScale, LmHeadScale }.OfType<Tensor>();
        foreach (Tensor t in Layers.SelectMany(l => l.All()).Append(Embedding).Append(LmHead).Append(FinalNorm).Concat(scales))
        {
            if (seen.Add(t.Handle))
            {
                yield return t;
            }
        }
    }
}
