using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>Loads a <see cref="ModelSpec"/> into a validated <see cref="LoadedCheckpoint"/>.</summary>
public static class CheckpointLoader
{
    public const string TokenizerFile = "tokenizer.json";

    /// <summary>Loads and validates; every bad input is an <see cref="EngineException"/> naming the path or tensor.</summary>
    public static LoadedCheckpoint Load(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            ModelSpecKind.HuggingFace => LoadHuggingFace(spec.Location),
            ModelSpecKind.Llama2c => Llama2cCheckpoint.Load(spec.Location),
            ModelSpecKind.Preset => ModelPresets.Load(spec.Location),
            _ => throw new EngineException($"unsupported model spec kind {spec.Kind}"),
        };
    }

    /// <summary>A Hugging Face directory: config.json, model.safetensors (or sharded), optional tokenizer.json.</summary>
    public static LoadedCheckpoint LoadHuggingFace(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new EngineException($"model directory not found: {directory}");
        }

        Model.LlamaConfig config = HfConfigReader.Read(Path.Combine(directory, HfConfigReader.FileName));
        (Dictionary<string, Tensor> tensors, int files) = SafetensorsDirectory.ReadAll(directory);
        string tokenizer = Path.Combine(directory, TokenizerFile);
        string source = $"hf:{directory}" + (files > 1 ? $" ({files} shards)" : string.Empty);
        return LoadedCheckpoint.CreateValidated(config, tensors, File.Exists(tokenizer) ? tokenizer : null, source);
    }
}
