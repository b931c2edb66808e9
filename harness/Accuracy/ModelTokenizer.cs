using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;

namespace Harness.Accuracy;

/// <summary>
/// Whether a model spec comes with a tokenizer, known from the spec alone so that text-based measurements can be
/// refused before any model is loaded: presets use GPT-2 BPE, Hugging Face directories have one when they hold
/// tokenizer.json, llama2.c files never do (token-id mode).
/// </summary>
internal static class ModelTokenizer
{
    /// <returns>True or false, or null when the spec does not parse (the engine build reports that itself).</returns>
    public static bool? Has(string modelSpec)
    {
        ModelSpec spec;
        try
        {
            spec = ModelSpec.Parse(modelSpec);
        }
        catch (EngineException)
        {
            return null;
        }

        return spec.Kind switch
        {
            ModelSpecKind.Preset => true,
            ModelSpecKind.Llama2c => false,
            _ => File.Exists(Path.Combine(spec.Location, CheckpointLoader.TokenizerFile)),
        };
    }
}
