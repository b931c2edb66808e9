namespace Harness.Engines.Llama.Checkpoints;

/// <summary>Where a model's weights come from.</summary>
public enum ModelSpecKind
{
    /// <summary><c>hf:DIR</c>: a Hugging Face directory (config.json + safetensors).</summary>
    HuggingFace,

    /// <summary><c>llama2c:FILE</c>: a llama2.c legacy-format checkpoint.</summary>
    Llama2c,

    /// <summary><c>preset:NAME</c>: a known architecture with synthetic weights.</summary>
    Preset,
}
