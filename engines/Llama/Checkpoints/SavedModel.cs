using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Engines.Llama.Model;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// A model saved in the form the engine runs it: the weights exactly as <see cref="LlamaWeights"/> holds them (fused
/// q/k/v and gate/up, int8 with row scales, int4 groups packed with their scales) in one safetensors file, beside
/// <see cref="ManifestFile"/> naming the precision, group size and full config, and the tokenizer when the source had
/// one. Loading it skips quantisation, so a quantised model is built once and its size on disk is what it holds in
/// memory plus a header. A directory holding the manifest is read by <c>hf:DIR</c> like a Hugging Face one.
/// </summary>
public static class SavedModel
{
    public const string ManifestFile = "harness-model.json";
    public const string WeightsFile = "model.safetensors";
    private const string Format = "llama-harness-weights";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static bool IsSaved(string directory) => File.Exists(Path.Combine(directory, ManifestFile));

    /// <summary>Writes the weights (and the tokenizer file, if given) into <paramref name="directory"/>; returns the bytes written.</summary>
    /// <param name="syntheticTokenizer">The source was a preset, whose engines use GPT-2 BPE folded into its vocabulary.</param>
    public static long Write(LlamaWeights weights, string directory, string? tokenizerJsonPath = null, bool syntheticTokenizer = false)
    {
        ArgumentNullException.ThrowIfNull(weights);
        try
        {
            Directory.CreateDirectory(directory);
            string weightsPath = Path.Combine(directory, WeightsFile);
            SafetensorsWriter.Write(weightsPath, Tensors(weights), new Dictionary<string, string> { ["format"] = Format, ["precision"] = weights.Precision.Name() });
            var manifest = new Manifest(Format, 1, weights.Precision.Name(), weights.GroupSize, syntheticTokenizer, weights.Config);
            File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(manifest, Json));
            long bytes = new FileInfo(weightsPath).Length;
            if (tokenizerJsonPath is not null)
            {
                File.Copy(tokenizerJsonPath, Path.Combine(directory, CheckpointLoader.TokenizerFile), overwrite: true);
            }

            return bytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"{directory}: cannot save the model: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a saved model: its weights (checked against the manifest's config), tokenizer path (if any) and whether its source used the synthetic tokenizer.</summary>
    public static (LlamaWeights Weights, string? TokenizerJsonPath, bool SyntheticTokenizer) Read(string directory)
    {
        string manifestPath = Path.Combine(directory, ManifestFile);
        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), Json)
                ?? throw new EngineException($"{manifestPath}: empty manifest");
        }
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
        {
            throw new EngineException($"{manifestPath}: not a readable manifest: {ex.Message}", ex);
        }

        if (manifest.Format != Format || manifest.Version != 1)
        {
            throw new EngineException($"{manifestPath}: format '{manifest.Format}' version {manifest.Version} is not {Format} version 1");
        }

        LlamaConfig config = manifest.Config.Validate();
        Precision precision = PrecisionNames.Parse(manifest.Precision);
        (Dictionary<string, Tensor> tensors, _) = SafetensorsDirectory.ReadAll(directory);
        try
        {
            LlamaWeights weights = LlamaWeights.Adopt(config, precision, manifest.GroupSize, name => tensors.Remove(name, out Tensor? t) ? t : null, $"{directory}");
            string tokenizer = Path.Combine(directory, CheckpointLoader.TokenizerFile);
            return (weights, File.Exists(tokenizer) ? tokenizer : null, manifest.SyntheticTokenizer);
        }
        finally
        {
            // Tensors the weights did not take (none, for a file this class wrote).
            foreach (Tensor t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Every tensor the weights hold, by the names <see cref="LlamaWeights.Adopt"/> reads.</summary>
    private static Dictionary<string, Tensor> Tensors(LlamaWeights weights)
    {
        var tensors = new Dictionary<string, Tensor>();
        void Add(string name, Tensor? t)
        {
            if (t is not null)
            {
                tensors[name] = t;
            }
        }

        for (int i = 0; i < weights.Layers.Count; i++)
        {
            LayerWeights l = weights.Layers[i];
            foreach ((string name, Tensor? t) in l.Named())
            {
                Add($"layers.{i}.{name}", t);
            }
        }

        Add("embedding", weights.Embedding);
        Add("embedding_scale", weights.EmbeddingScale);
        if (!weights.Config.TieEmbeddings)
        {
            Add("lm_head", weights.LmHead);
            Add("lm_head_scale", weights.LmHeadScale);
        }

        Add("final_norm", weights.FinalNorm);
        return tensors;
    }

    private sealed record Manifest(string Format, int Version, string Precision, int GroupSize, bool SyntheticTokenizer, LlamaConfig Config);
}
