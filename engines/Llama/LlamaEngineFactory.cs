using Harness.Engines.Llama.Batching;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Tokenization;
using Harness.Engines.Llama.Torch;
using TorchSharp;

namespace Harness.Engines.Llama;

/// <summary>Builds a <see cref="LlamaEngine"/> from a model spec and one variant's options.</summary>
public static class LlamaEngineFactory
{
    /// <summary>Default KV cache length when the options do not set one (models advertise up to 128k positions).</summary>
    public const int DefaultContextCap = 8192;

    public static IReadOnlyList<string> DecodePaths { get; } = ["kernels", "torch"];

    /// <summary>Engine-specific option names this engine reads from <see cref="EngineOptions.Extra"/>.</summary>
    public static IReadOnlyList<string> ExtraOptions { get; } =
        ["decode", "batch_wait_ms", "kv_layout", "block_size", "kv_budget_bytes", "prefix_cache", "max_batched_tokens", "group_size", "rounding", "int8_vocabulary"];

    /// <summary>
    /// Checks every option that does not depend on the model (names, values, and how they combine), so a scenario can be
    /// refused before any weights are loaded.
    /// </summary>
    /// <exception cref="EngineException">The first bad option, in one line.</exception>
    public static ServingOptions Validate(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PrecisionNames.Parse(options.Precision);
        AttentionKind attention = AttentionKindNames.Parse(options.Attention);
        DecodePath decode = ParseDecodePath(options);
        if (options.TensorParallel != 1)
        {
            throw new EngineException($"tensor-parallel size {options.TensorParallel} is not supported by this engine yet (supported: 1)");
        }

        if (options.Extra?.Keys.FirstOrDefault(k => !ExtraOptions.Contains(k)) is { } unknown)
        {
            throw new EngineException($"unknown engine option '{unknown}' (this engine reads: {string.Join(", ", ExtraOptions)})");
        }

        if (!options.Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new EngineException($"device '{options.Device}' is not available: this build runs on cpu (build with -p:TorchBackend=cuda and a CUDA libtorch package for GPUs)");
        }

        ParseGroupSize(options);
        ParseRounding(options);
        ParseInt8Vocabulary(options);
        ServingOptions serving = ServingOptions.Parse(options);
        serving.CheckAgainst(attention, decode);
        return serving;
    }

    public static LlamaEngine Create(string modelSpec, EngineOptions options)
    {
        ServingOptions serving = Validate(options);
        Precision precision = PrecisionNames.Parse(options.Precision);
        AttentionKind attention = AttentionKindNames.Parse(options.Attention);
        DecodePath decode = ParseDecodePath(options);
        ModelSpec spec = ModelSpec.Parse(modelSpec);
        TorchRuntime.EnsureInitialized();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        torch.set_num_threads(threads);

        (LlamaWeights weights, string? tokenizerJson, bool synthetic) = LoadWeights(spec, precision, ParseGroupSize(options), ParseRounding(options), ParseInt8Vocabulary(options));
        LlamaConfig config = weights.Config;

        if (options.MaxContext > config.MaxPositions)
        {
            weights.Dispose();
            throw new EngineException($"max context {options.MaxContext} exceeds the model's {config.MaxPositions} positions");
        }

        int context = options.MaxContext > 0 ? options.MaxContext : Math.Min(config.MaxPositions, DefaultContextCap);
        var model = new LlamaModel(weights, context, attention, decode, new KernelDecoderFactory(threads, serving.DecodeRows));
        ITokenizer? tokenizer = TokenizerFactory.ForModel(tokenizerJson, config.VocabSize, config.BosTokenId, config.EosTokenIds, synthetic);
        try
        {
            return new LlamaEngine(model, tokenizer, options, serving);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Weights in <paramref name="precision"/>: a checkpoint converted (and quantised) at load, or a model saved by
    /// <see cref="SavedModel"/> taken as stored, which must already be in that precision. Synthetic: the engine uses GPT-2
    /// BPE folded into the vocabulary (presets, and models saved from them).
    /// </summary>
    public static (LlamaWeights Weights, string? TokenizerJsonPath, bool Synthetic) LoadWeights(
        ModelSpec spec, Precision precision, int groupSize, Int4Rounding rounding = Int4Rounding.Nearest, bool int8Vocabulary = false)
    {
        TorchRuntime.EnsureInitialized();
        if (spec.Kind == ModelSpecKind.HuggingFace && SavedModel.IsSaved(spec.Location))
        {
            (LlamaWeights saved, string? tokenizer, bool synthetic) = SavedModel.Read(spec.Location);
            if (saved.Precision != precision || (precision == Precision.Int4 && saved.GroupSize != groupSize))
            {
                string stored = saved.Precision.Name() + (saved.Precision == Precision.Int4 ? $" (group_size {saved.GroupSize})" : string.Empty);
                saved.Dispose();
                throw new EngineException($"{spec}: the model is saved as {stored}; set precision (and group_size) to match, or load the original checkpoint");
            }

            return (saved, tokenizer, synthetic);
        }

        using LoadedCheckpoint checkpoint = CheckpointLoader.Load(spec);
        checkpoint.Validate();
        return (LlamaWeights.Create(checkpoint.Config, precision, checkpoint.TryGet, groupSize, rounding, int8Vocabulary), checkpoint.TokenizerJsonPath, spec.Kind == ModelSpecKind.Preset);
    }

    /// <summary>
    /// group_size: int4 columns per scale (32, 64 or 128). Other precisions accept and ignore it, so one scenario matrix
    /// can set it once across precisions.
    /// </summary>
    private static int ParseGroupSize(EngineOptions options)
    {
        string? text = options.Extra?.GetValueOrDefault("group_size");
        if (text is null)
        {
            return LlamaWeights.DefaultGroupSize;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size) && Int4Layout.IsSupportedGroup(size)
            ? size
            : throw new EngineException($"group_size must be 32, 64 or 128, got '{text}'");
    }

    /// <summary>
    /// rounding: how int4 groups are quantised, <c>nearest</c> (default) or <c>min_error</c> (<see cref="Int4Rounding"/>).
    /// Other precisions accept and ignore it, as group_size. A saved model keeps whatever rounding made it.
    /// </summary>
    public static Int4Rounding ParseRounding(EngineOptions options) => ParseRounding(options.Extra?.GetValueOrDefault("rounding"));

    public static Int4Rounding ParseRounding(string? text) => text switch
    {
        null or "nearest" => Int4Rounding.Nearest,
        "min_error" => Int4Rounding.MinimumError,
        string other => throw new EngineException($"unknown rounding '{other}' (supported: nearest, min_error)"),
    };

    /// <summary>
    /// int8_vocabulary: true keeps an int4 model's embedding and LM head as int8 per row. Other precisions accept and
    /// ignore it; a saved model keeps whichever form it was saved in.
    /// </summary>
    private static bool ParseInt8Vocabulary(EngineOptions options) => options.Extra?.GetValueOrDefault("int8_vocabulary")?.ToLowerInvariant() switch
    {
        null or "false" or "off" => false,
        "true" or "on" => true,
        string other => throw new EngineException($"int8_vocabulary must be true or false, got '{other}'"),
    };

    private static DecodePath ParseDecodePath(EngineOptions options)
    {
        string name = options.Extra?.GetValueOrDefault("decode") ?? "kernels";
        return name switch
        {
            "kernels" => DecodePath.Kernels,
            "torch" => DecodePath.Torch,
            _ => throw new EngineException($"unknown decode path '{name}' (supported: {string.Join(", ", DecodePaths)})"),
        };
    }
}
