using TorchSharp;

namespace Harness.Engines.Llama.Model;

/// <summary>Weight precisions this engine runs.</summary>
public enum Precision
{
    Fp32,
    Bf16,
}

/// <summary>Names and dtypes of <see cref="Precision"/>.</summary>
public static class PrecisionNames
{
    public static IReadOnlyList<string> All { get; } = ["fp32", "bf16"];

    public static Precision Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "f32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        _ => throw new EngineException($"unknown precision '{name}' (this engine supports: {string.Join(", ", All)})"),
    };

    public static string Name(this Precision precision) => precision switch
    {
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    public static torch.ScalarType DType(this Precision precision) => precision switch
    {
        Precision.Fp32 => torch.ScalarType.Float32,
        Precision.Bf16 => torch.ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };
}
