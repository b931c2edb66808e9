using TorchSharp;

namespace Harness.Engines.Llama.Model;

/// <summary>Weight precisions this engine runs.</summary>
public enum Precision
{
    Fp32,
    Bf16,

    /// <summary>
    /// IEEE fp16 storage: matrices and embedding as fp16 (half of fp32's bytes), widened to fp32 for every product. On
    /// CPU this is storage only: libtorch's fp16 matmul runs ~1000x slower than fp32 here, so prefill upcasts each
    /// matrix per matmul and the decode kernels widen fp16 to fp32 as they stream it.
    /// </summary>
    Fp16,

    /// <summary>Int8 weight-only: matrices as int8 with one fp32 scale per output row; norms and biases fp32.</summary>
    Int8,

    /// <summary>
    /// Int8 dynamic (W8A8): int8 matrices with one scale per output row as <see cref="Int8"/>, multiplied in integers
    /// against activations quantised to int8 per token at run time, in prefill and decode alike.
    /// </summary>
    Int8Dynamic,

    /// <summary>
    /// Int4 weight-only: every matrix (embedding and LM head included) as 4-bit values in groups of 32, 64 or 128
    /// columns, each group with its fp32 scale (<see cref="Kernels.Int4Layout"/>); norms and biases fp32. Decode multiplies the int4 groups in integers against activations rounded to int8 per token
    /// (as llama.cpp multiplies its int4 blocks against int8 activations); prefill runs in fp32 over the dequantised
    /// matrices.
    /// </summary>
    Int4,
}

/// <summary>Names and dtypes of <see cref="Precision"/>.</summary>
public static class PrecisionNames
{
    public static IReadOnlyList<string> All { get; } = ["fp32", "bf16", "fp16", "int8", "int8-dynamic", "int4"];

    public static Precision Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "f32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        "fp16" or "float16" or "f16" or "half" => Precision.Fp16,
        "int8" => Precision.Int8,
        "int8-dynamic" or "w8a8" => Precision.Int8Dynamic,
        "int4" => Precision.Int4,
        _ => throw new EngineException($"unknown precision '{name}' (this engine supports: {string.Join(", ", All)})"),
    };

    public static string Name(this Precision precision) => precision switch
    {
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        Precision.Fp16 => "fp16",
        Precision.Int8 => "int8",
        Precision.Int8Dynamic => "int8-dynamic",
        Precision.Int4 => "int4",
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>The float dtype tensors are kept in: quantised models keep their non-matrix tensors in fp32.</summary>
    public static torch.ScalarType DType(this Precision precision) => precision switch
    {
        Precision.Fp32 or Precision.Int8 or Precision.Int8Dynamic or Precision.Int4 => torch.ScalarType.Float32,
        Precision.Bf16 => torch.ScalarType.BFloat16,
        Precision.Fp16 => torch.ScalarType.Float16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>How the decode kernels read this precision's weight matrices.</summary>
    public static Kernels.WeightFormat Format(this Precision precision) => precision switch
    {
        Precision.Fp32 => Kernels.WeightFormat.F32,
        Precision.Bf16 => Kernels.WeightFormat.BF16,
        Precision.Fp16 => Kernels.WeightFormat.F16,
        Precision.Int8 or Precision.Int8Dynamic => Kernels.WeightFormat.Int8,
        Precision.Int4 => Kernels.WeightFormat.Int4,
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>True where the kernels multiply quantised weights in integers against activations quantised at run time.</summary>
    public static bool QuantizesActivations(this Precision precision) => precision is Precision.Int8Dynamic or Precision.Int4;
}
