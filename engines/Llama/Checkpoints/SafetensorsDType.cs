using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>The safetensors dtype names this project reads and writes, and their torch types.</summary>
internal static class SafetensorsDType
{
    private static readonly (string Name, ScalarType Type)[] Known =
    [
        ("F32", ScalarType.Float32),
        ("F16", ScalarType.Float16),
        ("BF16", ScalarType.BFloat16),

        // Integer types: for quantized checkpoints (weights and scales) written by this project later.
        ("I8", ScalarType.Int8),
        ("U8", ScalarType.Byte),
        ("I32", ScalarType.Int32),
        ("I64", ScalarType.Int64),
    ];

    public static string Supported => string.Join(", ", Known.Select(k => k.Name));

    public static bool TryParse(string name, out ScalarType type)
    {
        foreach ((string n, ScalarType t) in Known)
        {
            if (n == name)
            {
                type = t;
                return true;
            }
        }

        type = default;
        return false;
    }

    public static string NameOf(ScalarType type)
    {
        foreach ((string n, ScalarType t) in Known)
        {
            if (t == type)
            {
                return n;
            }
        }

        throw new EngineException($"dtype {type} cannot be stored in safetensors here (supported: {Supported})");
    }

    public static int SizeOf(ScalarType type) => type switch
    {
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int8 or ScalarType.Byte => 1,
        ScalarType.Int64 => 8,
        _ => throw new EngineException($"dtype {type} is not a safetensors dtype here (supported: {Supported})"),
    };
}
