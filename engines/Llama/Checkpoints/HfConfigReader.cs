using System.Text.Json;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> of a Llama-family model (model_type llama, mistral, qwen2) into a validated
/// <see cref="LlamaConfig"/>. Hugging Face checkpoints rotate q/k in the half-split layout, so RopeLayout is HalfSplit.
/// </summary>
public static class HfConfigReader
{
    public const string FileName = "config.json";

    /// <summary>The model_type values this reader accepts.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["llama", "mistral", "qwen2"];

    /// <summary>Reads and validates <paramref name="configPath"/>; any problem is an <see cref="EngineException"/> naming the path.</summary>
    public static LlamaConfig Read(string configPath)
    {
        ArgumentNullException.ThrowIfNull(configPath);
        if (!File.Exists(configPath))
        {
            throw new EngineException($"model config not found: {configPath}");
        }

        string json;
        try
        {
            json = File.ReadAllText(configPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"{configPath}: cannot read: {ex.Message}", ex);
        }

        return Parse(json, configPath);
    }

    /// <summary>Parses config.json text; <paramref name="source"/> names it in error messages.</summary>
    public static LlamaConfig Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new EngineException($"{source}: not valid JSON: {ex.Message}", ex);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new EngineException($"{source}: not a JSON object");
            }

            var r = new Fields(root, source);
            string modelType = r.String("model_type") ?? throw new EngineException($"{source}: no model_type (supported: {string.Join(", ", SupportedModelTypes)})");
            if (!SupportedModelTypes.Contains(modelType))
            {
                throw new EngineException($"{source}: unsupported model_type '{modelType}' (supported: {string.Join(", ", SupportedModelTypes)})");
            }

            string act = r.String("hidden_act") ?? "silu";
            if (act != "silu")
            {
                throw new EngineException($"{source}: unsupported hidden_act '{act}' (only silu)");
            }

            if (r.Bool("mlp_bias") == true)
            {
                throw new EngineException($"{source}: mlp_bias true is not supported");
            }

            int hidden = r.RequiredInt("hidden_size");
            int heads = r.RequiredInt("num_attention_heads");
            if (heads <= 0 || hidden % heads != 0 && r.Int("head_dim") is null)
            {
                throw new EngineException($"{source}: hidden_size {hidden} is not a multiple of num_attention_heads {heads} and head_dim is not given");
            }

            var config = new LlamaConfig
            {
                ModelType = modelType,
                VocabSize = r.RequiredInt("vocab_size"),
                HiddenSize = hidden,
                IntermediateSize = r.RequiredInt("intermediate_size"),
                NumLayers = r.RequiredInt("num_hidden_layers"),
                NumHeads = heads,
                NumKvHeads = r.Int("num_key_value_heads") ?? heads,
                HeadDim = r.Int("head_dim") ?? hidden / heads,
                MaxPositions = r.RequiredInt("max_position_embeddings"),
                RopeTheta = r.Double("rope_theta") ?? 10000,
                RopeLayout = RopeLayout.HalfSplit,
                RopeScaling = ReadRopeScaling(root, source),
                RmsNormEps = r.Double("rms_norm_eps") ?? 1e-6,

                // transformers defaults tie_word_embeddings to false for all three model types.
                TieEmbeddings = r.Bool("tie_word_embeddings") ?? false,

                // Qwen2 always has q/k/v biases (its config has no flag); Llama may opt in with attention_bias.
                AttentionBias = modelType == "qwen2" || (r.Bool("attention_bias") ?? false),
                BosTokenId = r.Int("bos_token_id"),
                EosTokenIds = r.IntOrList("eos_token_id"),
            };
            return config.Validate();
        }
    }

    private static RopeScaling? ReadRopeScaling(JsonElement root, string source)
    {
        if (!root.TryGetProperty("rope_scaling", out JsonElement s) || s.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (s.ValueKind != JsonValueKind.Object)
        {
            throw new EngineException($"{source}: rope_scaling must be an object or null");
        }

        var r = new Fields(s, source + " rope_scaling");
        string? type = r.String("rope_type") ?? r.String("type");
        return type switch
        {
            "default" => null,
            "llama3" => new RopeScaling(
                r.Double("factor") ?? throw Missing(source, "factor"),
                r.Double("low_freq_factor") ?? throw Missing(source, "low_freq_factor"),
                r.Double("high_freq_factor") ?? throw Missing(source, "high_freq_factor"),
                r.Int("original_max_position_embeddings") ?? throw Missing(source, "original_max_position_embeddings")),
            _ => throw new EngineException($"{source}: unsupported rope_scaling type '{type ?? "(none)"}' (supported: llama3)"),
        };
    }

    private static EngineException Missing(string source, string field) => new($"{source}: rope_scaling llama3 needs '{field}'");

    /// <summary>Typed access to optional JSON fields; a field of the wrong type is an error naming it.</summary>
    private readonly struct Fields(JsonElement obj, string source)
    {
        public string? String(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Wrong(name, "a string")
            : null;

        public bool? Bool(string name) => Get(name) is { } v
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Wrong(name, "true or false")
            : null;

        public int? Int(string name) => Get(name) is { } v ? AsInt(name, v) : null;

        public int RequiredInt(string name) => Int(name) ?? throw new EngineException($"{source}: missing required field '{name}'");

        public double? Double(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Wrong(name, "a number")
            : null;

        /// <summary>eos_token_id is an int or a list of ints (Llama 3 instruct models stop on several).</summary>
        public IReadOnlyList<int> IntOrList(string name)
        {
            if (Get(name) is not { } v)
            {
                return [];
            }

            if (v.ValueKind == JsonValueKind.Array)
            {
                var list = new List<int>();
                foreach (JsonElement item in v.EnumerateArray())
                {
                    list.Add(AsInt(name, item));
                }

                return list;
            }

            return [AsInt(name, v)];
        }

        private JsonElement? Get(string name) =>
            obj.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;

        private int AsInt(string name, JsonElement v) =>
            v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Wrong(name, "an integer");

        private EngineException Wrong(string name, string what) => new($"{source}: field '{name}' must be {what}");
    }
}
