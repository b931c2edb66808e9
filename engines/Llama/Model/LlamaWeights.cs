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
    private LlamaWeights(LlamaConfig config, Precision precision, int groupSize, Tensor embedding, Tensor lmHead, Tensor finalNorm, LayerWeights[] layers, Tensor? embeddingScale = null, Tensor? lmHeadScale = null)
    {
        Config = config;
        Precision = precision;
        GroupSize = groupSize;
        Embedding = embedding;
        EmbeddingScale = embeddingScale;
        LmHead = lmHead;
        LmHeadScale = lmHeadScale;
        FinalNorm = finalNorm;
        Layers = layers;
    }

    public LlamaConfig Config { get; }

    public Precision Precision { get; }

    /// <summary>Int4: columns per scale group (32, 64 or 128); 0 for other precisions.</summary>
    public int GroupSize { get; }

    /// <summary>[vocab, d] in the compute precision (int4: [vocab, packed row bytes] uint8, see <see cref="Kernels.Int4Layout"/>).</summary>
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
            bytes += Embedding.shape[1] * Embedding.ElementSize;
            bytes += EmbeddingScale is null ? 0 : EmbeddingScale.ElementSize;
            return bytes;
        }
    }

    /// <summary>
    /// Builds inference weights from checkpoint tensors named as in Hugging Face Llama checkpoints.
    /// <paramref name="tensor"/> returns a stored tensor by name (any float dtype), or null when absent.
    /// </summary>
    /// <param name="int4">Int4: group size, rounding and the embedding's form (default <see cref="Int4Options.Default"/>);
    /// ignored by other precisions.</param>
    public static LlamaWeights Create(LlamaConfig config, Precision precision, Func<string, Tensor?> tensor, Int4Options? int4 = null)
    {
        int4 ??= Int4Options.Default;
        int groupSize = precision == Precision.Int4 ? int4.GroupSize : 0;
        if (precision == Precision.Int4 && !Kernels.Int4Layout.IsSupportedGroup(groupSize))
        {
            throw new EngineException($"int4 group size must be 32, 64 or 128, got {groupSize}");
        }

        ScalarType dtype = precision.DType();
        using var noGrad = torch.no_grad();

        Tensor Required(string name) => tensor(name) ?? throw new EngineException($"checkpoint is missing tensor '{name}'");
        Tensor Convert(Tensor t, ScalarType to) => t.dtype == to && t.is_contiguous() ? t.alias() : t.to(to).contiguous();

        // Every matrix (and the embedding, whose rows double as the tied LM head's output channels) is stored by one rule
        // per precision: the float dtype, int8 with a scale per row, or packed int4 groups with their scales inline.
        (Tensor Data, Tensor? Scale) Matrix(Tensor w) => precision switch
        {
            Precision.Int8 or Precision.Int8Dynamic => QuantizeRows(w),
            Precision.Int4 => (QuantizeGroups(w, groupSize, int4.Rounding), null),
            Precision.Fp16 => (Finite(Convert(w, dtype)), null),
            _ => (Convert(w, dtype), null),
        };

        // fp16 tops out at 65504: a weight beyond it would become infinite (the kernels' fp16 widening assumes finite values).
        static Tensor Finite(Tensor half)
        {
            using Tensor finite = torch.isfinite(half).all();
            if (!finite.item<bool>())
            {
                half.Dispose();
                throw new EngineException("the checkpoint holds weights beyond fp16's range (|w| > 65504); use bf16 or fp32");
            }

            return half;
        }

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

            (Tensor qkvW, Tensor? qkvS) = Matrix(qkv);
            (Tensor outW, Tensor? outS) = Matrix(Required(p + "self_attn.o_proj.weight"));
            (Tensor guW, Tensor? guS) = Matrix(gateUp);
            (Tensor downW, Tensor? downS) = Matrix(Required(p + "mlp.down_proj.weight"));
            layers[i] = new LayerWeights
            {
                AttentionNorm = Convert(Required(p + "input_layernorm.weight"), ScalarType.Float32),
                Qkv = qkvW,
                QkvScale = qkvS,
                QkvBias = bias,
                Output = outW,
                OutputScale = outS,
                MlpNorm = Convert(Required(p + "post_attention_layernorm.weight"), ScalarType.Float32),
                GateUp = guW,
                GateUpScale = guS,
                Down = downW,
                DownScale = downS,
            };
        }

        Tensor finalNorm = Convert(Required("model.norm.weight"), ScalarType.Float32);
        // Int4 packs the embedding (and so a tied LM head) too unless asked for int8 there, as llama.cpp's pure Q4_0 does:
        // the LM head is the largest matrix of a small model, and decode is a stream over all of them. llama.cpp keeps
        // its output matrix at 6 bits by default and gpt-fast leaves it unquantised; the accuracy suite measures both.
        (Tensor Data, Tensor? Scale) Vocabulary(Tensor w) => precision == Precision.Int4 && int4.Int8Vocabulary ? QuantizeRows(w) : Matrix(w);
        (Tensor embedding, Tensor? embeddingScale) = Vocabulary(Required("model.embed_tokens.weight"));
        (Tensor lmHead, Tensor? lmHeadScale) = config.TieEmbeddings ? (embedding, embeddingScale) : Vocabulary(Required("lm_head.weight"));
        return new LlamaWeights(config, precision, groupSize, embedding, lmHead, finalNorm, layers, embeddingScale, lmHeadScale);
    }

    /// <summary>
    /// Takes over tensors already in this engine's stored form (a saved model, see
    /// <see cref="Checkpoints.SavedModel"/>): each is checked for the dtype and shape its precision stores, so a file
    /// that does not match its manifest is refused naming the first wrong tensor.
    /// </summary>
    /// <param name="take">Returns the named tensor and gives up ownership of it, or null when absent.</param>
    public static LlamaWeights Adopt(LlamaConfig config, Precision precision, int groupSize, Func<string, Tensor?> take, string source)
    {
        if (precision == Precision.Int4 && !Kernels.Int4Layout.IsSupportedGroup(groupSize))
        {
            throw new EngineException($"{source}: int4 group size must be 32, 64 or 128, got {groupSize}");
        }

        var taken = new List<Tensor>();
        try
        {
            Tensor Take(string name, ScalarType dtype, params long[] shape) =>
                Adopted(name, take(name) ?? throw new EngineException($"{source}: tensor '{name}' is missing"), dtype, shape);

            Tensor Adopted(string name, Tensor t, ScalarType dtype, params long[] shape)
            {
                taken.Add(t);
                if (t.dtype != dtype || !t.shape.AsSpan().SequenceEqual(shape))
                {
                    throw new EngineException($"{source}: tensor '{name}' is {t.dtype} [{string.Join(", ", t.shape)}], expected {dtype} [{string.Join(", ", shape)}] for {precision.Name()}");
                }

                return t;
            }

            // The stored form of a [rows, cols] matrix, as Create writes it: the float dtype, int8 with row scales, or packed int4.
            (Tensor Data, Tensor? Scale) Matrix(string name, long rows, int cols) => precision switch
            {
                Precision.Int8 or Precision.Int8Dynamic => (Take(name, ScalarType.Int8, rows, cols), Take(name + "_scale", ScalarType.Float32, rows)),
                Precision.Int4 => (Take(name, ScalarType.Byte, rows, Kernels.Int4Layout.RowBytes(cols, groupSize)), null),
                _ => (Take(name, precision.DType(), rows, cols), null),
            };

            int d = config.HiddenSize, qkvRows = config.QueryDim + (2 * config.KvDim), inner = config.IntermediateSize;
            var layers = new LayerWeights[config.NumLayers];
            for (int i = 0; i < config.NumLayers; i++)
            {
                string p = $"layers.{i}.";
                (Tensor qkv, Tensor? qkvS) = Matrix(p + "qkv", qkvRows, d);
                (Tensor output, Tensor? outputS) = Matrix(p + "output", d, config.QueryDim);
                (Tensor gateUp, Tensor? gateUpS) = Matrix(p + "gate_up", 2 * inner, d);
                (Tensor down, Tensor? downS) = Matrix(p + "down", d, inner);
                layers[i] = new LayerWeights
                {
                    AttentionNorm = Take(p + "attention_norm", ScalarType.Float32, d),
                    Qkv = qkv,
                    QkvScale = qkvS,
                    QkvBias = config.AttentionBias ? Take(p + "qkv_bias", precision.DType(), qkvRows) : null,
                    Output = output,
                    OutputScale = outputS,
                    MlpNorm = Take(p + "mlp_norm", ScalarType.Float32, d),
                    GateUp = gateUp,
                    GateUpScale = gateUpS,
                    Down = down,
                    DownScale = downS,
                };
            }

            // An int4 model's embedding and LM head are packed, or int8 with row scales (int8_vocabulary): the stored dtype says which.
            (Tensor Data, Tensor? Scale) Vocabulary(string name) => precision == Precision.Int4 && take(name + "_scale") is { } rowScales
                ? (Take(name, ScalarType.Int8, config.VocabSize, d), Adopted(name + "_scale", rowScales, ScalarType.Float32, config.VocabSize))
                : Matrix(name, config.VocabSize, d);
            (Tensor embedding, Tensor? embeddingS) = Vocabulary("embedding");
            (Tensor lmHead, Tensor? lmHeadS) = config.TieEmbeddings ? (embedding, embeddingS) : Vocabulary("lm_head");
            Tensor finalNorm = Take("final_norm", ScalarType.Float32, d);
            return new LlamaWeights(config, precision, precision == Precision.Int4 ? groupSize : 0, embedding, lmHead, finalNorm, layers, embeddingS, lmHeadS);
        }
        catch
        {
            foreach (Tensor t in taken)
            {
                t.Dispose();
            }

            throw;
        }
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

    /// <summary>
    /// Int4 in groups by <see cref="Kernels.Int4Layout"/> (the rule the kernel tests check): [rows, row bytes] uint8 with
    /// each group's scale inline, so the kernels stream one buffer per matrix.
    /// </summary>
    public static unsafe Tensor QuantizeGroups(Tensor weight, int groupSize, Kernels.Int4Rounding rounding = Kernels.Int4Rounding.Nearest)
    {
        using Tensor w = weight.to(ScalarType.Float32).contiguous();
        int rows = (int)w.shape[0], cols = (int)w.shape[1];
        long rowBytes = Kernels.Int4Layout.RowBytes(cols, groupSize);
        Tensor packed = torch.empty([rows, rowBytes], ScalarType.Byte);
        Kernels.Int4Layout.Quantize(
            new ReadOnlySpan<float>(TensorMemory.Floats(w), rows * cols),
            rows,
            cols,
            groupSize,
            new Span<byte>(TensorMemory.Bytes(packed), checked((int)(rows * rowBytes))),
            rounding);
        return packed;
    }

    /// <summary>
    /// The fp32 weights [rows, cols] a stored matrix stands for: itself, q · scale per row for int8, or its int4 groups
    /// unpacked. <paramref name="cols"/> is the matrix's input width (int4 rows are padded to whole groups).
    /// </summary>
    public unsafe Tensor Dequantize(Tensor weight, Tensor? scales, int cols)
    {
        if (weight.dtype == ScalarType.Byte)
        {
            // Row by row through the decode kernels' own int4 loader, so prefill multiplies by exactly what decode reads.
            Kernels.WeightMatrix matrix = KernelMatrix.Of(weight, null, cols, GroupSize);
            Tensor output = torch.empty([matrix.Rows, cols], ScalarType.Float32);
            float* rows = TensorMemory.Floats(output);
            for (int r = 0; r < matrix.Rows; r++)
            {
                Kernels.Gemv.DequantizeRow(matrix, r, rows + ((long)r * cols));
            }

            return output;
        }

        return scales is null ? weight.to(ScalarType.Float32) : weight.to(ScalarType.Float32) * scales.unsqueeze(1);
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
