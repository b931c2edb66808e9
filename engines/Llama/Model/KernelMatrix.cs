using Harness.Engines.Llama.Kernels;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// The kernels' view of a weight tensor: its data pointer, shape and format (from its dtype), with the row scales of
/// an int8 matrix. The tensors must stay alive while the view is used (the model owns them).
/// </summary>
public static unsafe class KernelMatrix
{
    /// <param name="weight">[rows, cols] fp32, bf16 or int8, contiguous.</param>
    /// <param name="scales">[rows] fp32 for int8, else null.</param>
    public static WeightMatrix Of(Tensor weight, Tensor? scales)
    {
        WeightFormat format = weight.dtype switch
        {
            ScalarType.Float32 => WeightFormat.F32,
            ScalarType.BFloat16 => WeightFormat.BF16,
            ScalarType.Int8 => WeightFormat.Int8,
            _ => throw new EngineException($"the decode kernels do not read {weight.dtype} weights"),
        };
        float* rowScales = scales is null ? null : TensorMemory.Floats(scales);
        return new WeightMatrix(TensorMemory.Bytes(weight), (int)weight.shape[0], (int)weight.shape[1], format, rowScales: rowScales);
    }
}
