using TorchSharp;

namespace Harness.Engines.Llama.Model;

/// <summary>Weight precisions this engine runs.</summary>
public enum Precision
{
    Fp32,
    Bf16,

    /// <summary>Int8 weight-only: matrices as int8 with one fp32 scale per output row; norms and biases fp32.</summary>
    Int8,
}

/// <summary>Names and dtypes of <see cref="Precision"/>.</summary>
public static class PrecisionNames
{
    public static IReadOnlyList<string> All { get; } = ["fp32", "bf16", "int8"];

    public static Precision Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "f32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        "int8" => Precision.Int8,
        _ => throw new EngineException($"unknown precision '{name}' (this engine supports: {string.Join(", ", All)})"),
    };

    public static string Name(this Precision precision) => precision switch
    {
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        Precision.Int8 => "int8",
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>The float dtype tensors are kept in: int8 models keep their non-matrix tensors in fp32.</summary>
    public static torch.ScalarType DType(this Precision precision) => precision switch
    {
        Precision.Fp32 or Precision.Int8 => torch.ScalarType.Float32,
        Precision.Bf16 => torch.ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>How the decode kernels read this precision's weight matrices.</summary>
    public static Kernels.WeightFormat Format(this Precision precision) => precision switch
    {
        Precision.Fp32 => Kernels.WeightFormat.F32,
        Precision.Bf16 => Kernels.WeightFormat.BF16,
        Precision.Int8 => Kernels.WeightFormat.Int8,
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };
}
