using Harness.Engines.Llama.Kernels;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// The kernels' view of a weight tensor: its data pointer, shape and format (from its dtype), with the row scales of
/// an int8 matrix. The tensors must stay alive while the view is used (the model owns them).
/// </summary>
public static unsafe class KernelMatrix
{
    /// <param name="weight">[rows, cols] fp32, bf16, fp16 or int8, or [rows, packed row bytes] uint8 for int4; contiguous.</param>
    /// <param name="scales">[rows] fp32 for int8, else null.</param>
    /// <param name="cols">The matrix's input width (the tensor's own for every format but int4).</param>
    /// <param name="groupSize">Int4: columns per scale group; else 0.</param>
    public static WeightMatrix Of(Tensor weight, Tensor? scales, int cols, int groupSize = 0)
    {
        WeightFormat format = weight.dtype switch
        {
            ScalarType.Float32 => WeightFormat.F32,
            ScalarType.BFloat16 => WeightFormat.BF16,
            ScalarType.Float16 => WeightFormat.F16,
            ScalarType.Int8 => WeightFormat.Int8,
            ScalarType.Byte => WeightFormat.Int4,
            _ => throw new EngineException($"the decode kernels do not read {weight.dtype} weights"),
        };
        long stored = weight.shape[1];
        long expected = format == WeightFormat.Int4 ? Int4Layout.RowBytes(cols, groupSize) : cols;
        if (stored != expected)
        {
            throw new EngineException($"a {format} matrix of {cols} columns has rows of {expected} elements, not {stored}");
        }

        float* rowScales = scales is null ? null : TensorMemory.Floats(scales);
        return new WeightMatrix(TensorMemory.Bytes(weight), (int)weight.shape[0], cols, format, rowScales: rowScales, groupSize: format == WeightFormat.Int4 ? groupSize : 0);
    }

    /// <summary>One layer's four matrices as the decode kernels read them: qkv [q + 2kv, d], output [d, q], gate/up [2i, d], down [d, i].</summary>
    public static (WeightMatrix Qkv, WeightMatrix Output, WeightMatrix GateUp, WeightMatrix Down) Layer(LlamaWeights weights, int layer)
    {
        LayerWeights l = weights.Layers[layer];
        LlamaConfig c = weights.Config;
        int g = weights.GroupSize;
        return (
            Of(l.Qkv, l.QkvScale, c.HiddenSize, g),
            Of(l.Output, l.OutputScale, c.QueryDim, g),
            Of(l.GateUp, l.GateUpScale, c.HiddenSize, g),
            Of(l.Down, l.DownScale, c.IntermediateSize, g));
    }

    /// <summary>The LM head [vocab, d].</summary>
    public static WeightMatrix LmHead(LlamaWeights weights) => Of(weights.LmHead, weights.LmHeadScale, weights.Config.HiddenSize, weights.GroupSize);

    /// <summary>The embedding table [vocab, d].</summary>
    public static WeightMatrix Embedding(LlamaWeights weights) => Of(weights.Embedding, weights.EmbeddingScale, weights.Config.HiddenSize, weights.GroupSize);
}
