namespace Harness.Engines.Llama.Checkpoints;

/// <summary>A parsed model argument: <c>default</c>, <c>default-distilled</c>, <c>hf:DIR</c>, <c>llama2c:FILE</c> or <c>preset:NAME</c>.</summary>
/// <param name="Kind">Which loader reads it.</param>
/// <param name="Location">The directory, the file, or the preset name (lower case).</param>
public sealed record ModelSpec(ModelSpecKind Kind, string Location)
{
    private const string HfPrefix = "hf:";
    private const string Llama2cPrefix = "llama2c:";
    private const string PresetPrefix = "preset:";
    private const string DefaultName = "default";
    private const string DistilledName = "default-distilled";

    /// <summary>
    /// The model the project trained and ships (<c>DefaultModel/</c> beside the assemblies, a saved model read like
    /// <c>hf:DIR</c>), so <c>default</c> works with no download.
    /// </summary>
    public static string DefaultModelDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "DefaultModel");

    /// <summary>A 2-layer student the project distilled from the default model (<c>distill</c>), shipped beside it.</summary>
    public static string DistilledModelDirectory { get; } = Path.Combine(DefaultModelDirectory, "distilled");

    /// <summary>One line listing what <see cref="Parse"/> accepts, for error messages and help text.</summary>
    public static string AcceptedForms =>
        $"expected default (the embedded model), default-distilled (its distilled student), hf:DIR (config.json + safetensors), llama2c:FILE (llama2.c legacy .bin) or preset:NAME with NAME one of {string.Join(", ", ModelPresets.Names)}";

    /// <summary>Parses a model argument; throws <see cref="EngineException"/> listing the accepted forms otherwise.</summary>
    public static ModelSpec Parse(string text)
    {
        string trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Equals(DefaultName, StringComparison.OrdinalIgnoreCase) || trimmed.Equals("embedded:" + DefaultName, StringComparison.OrdinalIgnoreCase))
        {
            return new ModelSpec(ModelSpecKind.HuggingFace, DefaultModelDirectory);
        }

        if (trimmed.Equals(DistilledName, StringComparison.OrdinalIgnoreCase))
        {
            return new ModelSpec(ModelSpecKind.HuggingFace, DistilledModelDirectory);
        }

        if (TryValue(trimmed, HfPrefix, out string dir))
        {
            return new ModelSpec(ModelSpecKind.HuggingFace, dir);
        }

        if (TryValue(trimmed, Llama2cPrefix, out string file))
        {
            return new ModelSpec(ModelSpecKind.Llama2c, file);
        }

        if (TryValue(trimmed, PresetPrefix, out string name))
        {
            if (!ModelPresets.Contains(name))
            {
                throw new EngineException($"unknown preset '{name}': expected one of {string.Join(", ", ModelPresets.Names)}");
            }

            return new ModelSpec(ModelSpecKind.Preset, name.ToLowerInvariant());
        }

        throw new EngineException($"invalid model spec '{trimmed}': {AcceptedForms}");
    }

    public override string ToString() => Kind switch
    {
        ModelSpecKind.HuggingFace when Location == DefaultModelDirectory => DefaultName,
        ModelSpecKind.HuggingFace when Location == DistilledModelDirectory => DistilledName,
        ModelSpecKind.HuggingFace => HfPrefix + Location,
        ModelSpecKind.Llama2c => Llama2cPrefix + Location,
        _ => PresetPrefix + Location,
    };

    private static bool TryValue(string text, string prefix, out string value)
    {
        value = string.Empty;
        if (!text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        value = text[prefix.Length..].Trim();
        if (value.Length == 0)
        {
            throw new EngineException($"invalid model spec '{text}': nothing after '{prefix}'; {AcceptedForms}");
        }

        return true;
    }
}
