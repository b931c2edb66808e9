namespace Harness.Engines.Llama.Model;

/// <summary>
/// Shape and numerics of a Llama-family decoder (Llama, Mistral, Qwen2), as read from a Hugging Face config.json,
/// a llama2.c header, or a preset. Validated at construction.
/// </summary>
public sealed record LlamaConfig
{
    public required string ModelType { get; init; }

    public required int VocabSize { get; init; }

    /// <summary>d_model.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>SwiGLU inner width.</summary>
    public required int IntermediateSize { get; init; }

    public required int NumLayers { get; init; }

    public required int NumHeads { get; init; }

    /// <summary>Grouped-query attention: NumHeads must be a multiple of it (1 = multi-query).</summary>
    public required int NumKvHeads { get; init; }

    public required int HeadDim { get; init; }

    public required int MaxPositions { get; init; }

    public double RopeTheta { get; init; } = 10000;

    public RopeLayout RopeLayout { get; init; } = RopeLayout.HalfSplit;

    public RopeScaling? RopeScaling { get; init; }

    public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>The LM head shares the token embedding matrix.</summary>
    public bool TieEmbeddings { get; init; }

    /// <summary>q/k/v projections have biases (Qwen2).</summary>
    public bool AttentionBias { get; init; }

    public int? BosTokenId { get; init; }

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public int QueryDim => NumHeads * HeadDim;

    public int KvDim => NumKvHeads * HeadDim;

    /// <summary>Parameters (the LM head counted once when tied).</summary>
    public long ParameterCount
    {
        get
        {
            long d = HiddenSize;
            long perLayer = (d * QueryDim) + (2 * d * KvDim) + (QueryDim * d) + (3 * d * IntermediateSize) + (2 * d);
            if (AttentionBias)
            {
                perLayer += QueryDim + (2 * KvDim);
            }

            long embeddings = (long)VocabSize * d * (TieEmbeddings ? 1 : 2);
            return (NumLayers * perLayer) + embeddings + d;
        }
    }

    /// <summary>Throws <see cref="EngineException"/> naming the first inconsistent field.</summary>
    public LlamaConfig Validate()
    {
        Require(VocabSize > 0, "vocab_size must be positive");
        Require(HiddenSize > 0, "hidden_size must be positive");
        Require(IntermediateSize > 0, "intermediate_size must be positive");
        Require(NumLayers > 0, "num_hidden_layers must be positive");
        Require(NumHeads > 0, "num_attention_heads must be positive");
        Require(NumKvHeads > 0 && NumHeads % NumKvHeads == 0, $"num_key_value_heads ({NumKvHeads}) must divide num_attention_heads ({NumHeads})");
        Require(HeadDim > 0 && HeadDim % 2 == 0, $"head_dim ({HeadDim}) must be a positive even number");
        Require(MaxPositions > 0, "max_position_embeddings must be positive");
        Require(RopeTheta > 0, "rope_theta must be positive");
        Require(RmsNormEps > 0, "rms_norm_eps must be positive");
        return this;
    }

    private void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new EngineException($"invalid {ModelType} config: {message}");
        }
    }
}
