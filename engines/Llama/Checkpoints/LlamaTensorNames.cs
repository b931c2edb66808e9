using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>One tensor a Llama-family checkpoint must hold, with its exact shape.</summary>
public sealed record ExpectedTensor(string Name, IReadOnlyList<long> Shape);

/// <summary>
/// Hugging Face tensor names of a Llama-family decoder. Every loader maps its format to these names, so the engine
/// reads one layout whatever the source.
/// </summary>
public static class LlamaTensorNames
{
    public const string Embed = "model.embed_tokens.weight";
    public const string FinalNorm = "model.norm.weight";
    public const string LmHead = "lm_head.weight";

    public const string InputNorm = "input_layernorm.weight";
    public const string Q = "self_attn.q_proj.weight";
    public const string K = "self_attn.k_proj.weight";
    public const string V = "self_attn.v_proj.weight";
    public const string QBias = "self_attn.q_proj.bias";
    public const string KBias = "self_attn.k_proj.bias";
    public const string VBias = "self_attn.v_proj.bias";
    public const string O = "self_attn.o_proj.weight";
    public const string PostAttentionNorm = "post_attention_layernorm.weight";
    public const string Gate = "mlp.gate_proj.weight";
    public const string Up = "mlp.up_proj.weight";
    public const string Down = "mlp.down_proj.weight";

    /// <summary>The full name of a per-layer tensor, e.g. <c>model.layers.3.self_attn.q_proj.weight</c>.</summary>
    public static string Layer(int layer, string suffix) => $"model.layers.{layer}.{suffix}";

    /// <summary>
    /// Every tensor the config implies, in a stable order (embedding, layers, final norm, LM head). Shapes follow
    /// PyTorch's Linear convention [out_features, in_features].
    /// </summary>
    public static IReadOnlyList<ExpectedTensor> Expected(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.HiddenSize;
        long q = config.QueryDim;
        long kv = config.KvDim;
        long inter = config.IntermediateSize;
        var list = new List<ExpectedTensor> { new(Embed, [config.VocabSize, d]) };
        for (int i = 0; i < config.NumLayers; i++)
        {
            list.Add(new(Layer(i, InputNorm), [d]));
            list.Add(new(Layer(i, Q), [q, d]));
            list.Add(new(Layer(i, K), [kv, d]));
            list.Add(new(Layer(i, V), [kv, d]));
            if (config.AttentionBias)
            {
                list.Add(new(Layer(i, QBias), [q]));
                list.Add(new(Layer(i, KBias), [kv]));
                list.Add(new(Layer(i, VBias), [kv]));
            }

            list.Add(new(Layer(i, O), [d, q]));
            list.Add(new(Layer(i, PostAttentionNorm), [d]));
            list.Add(new(Layer(i, Gate), [inter, d]));
            list.Add(new(Layer(i, Up), [inter, d]));
            list.Add(new(Layer(i, Down), [d, inter]));
        }

        list.Add(new(FinalNorm, [d]));
        if (!config.TieEmbeddings)
        {
            list.Add(new(LmHead, [config.VocabSize, d]));
        }

        return list;
    }
}
