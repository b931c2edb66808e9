using Harness.Engines.Llama.Batching;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Compression;
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

    public static IReadOnlyList<string> PrefillPaths { get; } = ["torch", "kernels"];

    /// <summary>Engine-specific option names this engine reads from <see cref="EngineOptions.Extra"/>.</summary>
    public static IReadOnlyList<string> ExtraOptions { get; } =
        ["decode", "prefill", "prune", "batch_wait_ms", "kv_layout", "block_size", "kv_budget_bytes", "prefix_cache", "max_batched_tokens", .. Int4Options.OptionNames];

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
        if (options.Extra?.Keys.FirstOrDefault(k => !ExtraOptions.Contains(k)) is { } unknown)
        {
            throw new EngineException($"unknown engine option '{unknown}' (this engine reads: {string.Join(", ", ExtraOptions)})");
        }

        if (!options.Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new EngineException($"device '{options.Device}' is not available: this build runs on cpu (build with -p:TorchBackend=cuda and a CUDA libtorch package for GPUs)");
        }

        Int4Options.Parse(options.Extra);
        PruneOptions.Parse(options.Extra?.GetValueOrDefault("prune"));
        ParsePrefillPath(options, decode);
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
        PrefillPath prefill = ParsePrefillPath(options, decode);
        ModelSpec spec = ModelSpec.Parse(modelSpec);
        TorchRuntime.EnsureInitialized();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        torch.set_num_threads(threads);

        PruneOptions? prune = PruneOptions.Parse(options.Extra?.GetValueOrDefault("prune"));
        (LlamaWeights weights, string? tokenizerJson, bool synthetic) = LoadWeights(spec, precision, Int4Options.Parse(options.Extra), prune);
        LlamaConfig config = weights.Config;

        if (options.MaxContext > config.MaxPositions)
        {
            weights.Dispose();
            throw new EngineException($"max context {options.MaxContext} exceeds the model's {config.MaxPositions} positions");
        }

        int context = options.MaxContext > 0 ? options.MaxContext : Math.Min(config.MaxPositions, DefaultContextCap);
        LlamaModel model;
        try
        {
            var decoder = new KernelDecoderFactory(threads, serving.DecodeRows, options.TensorParallel);
            model = new LlamaModel(weights, context, attention, decode, decoder, prefillPath: prefill);
        }
        catch
        {
            weights.Dispose();
            throw;
        }

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
    /// <param name="prune">Prune the checkpoint's decoder matrices before converting (see <see cref="PrunedCheckpoint"/>).</param>
    public static (LlamaWeights Weights, string? TokenizerJsonPath, bool Synthetic) LoadWeights(ModelSpec spec, Precision precision, Int4Options? int4 = null, PruneOptions? prune = null)
    {
        int4 ??= Int4Options.Default;
        TorchRuntime.EnsureInitialized();
        if (spec.Kind == ModelSpecKind.HuggingFace && SavedModel.IsSaved(spec.Location))
        {
            (LlamaWeights saved, string? tokenizer, bool synthetic) = SavedModel.Read(spec.Location);
            bool asStored = saved.Precision == precision && prune is null && (precision != Precision.Int4 || saved.GroupSize == int4.GroupSize);
            if (asStored)
            {
                return (saved, tokenizer, synthetic);
            }

            // A model saved in full precision (the default model) is a checkpoint like any other; a quantised one is
            // not, since its original weights are gone.
            if (saved.Precision != Precision.Fp32)
            {
                string stored = saved.Precision.Name() + (saved.Precision == Precision.Int4 ? $" (group_size {saved.GroupSize})" : string.Empty);
                saved.Dispose();
                throw new EngineException($"{spec}: the model is saved as {stored}; set precision (and group_size) to match and prune nothing, or load the original checkpoint");
            }

            using (saved)
            using (var source = new WeightsAsCheckpoint(saved))
            {
                return (Convert(saved.Config, source.TryGet, precision, int4, prune), tokenizer, synthetic);
            }
        }

        using LoadedCheckpoint checkpoint = CheckpointLoader.Load(spec);
        checkpoint.Validate();
        return (Convert(checkpoint.Config, checkpoint.TryGet, precision, int4, prune), checkpoint.TokenizerJsonPath, spec.Kind == ModelSpecKind.Preset);
    }

    // Checkpoint tensors to inference weights in a precision, pruned first when asked.
    private static LlamaWeights Convert(LlamaConfig config, Func<string, TorchSharp.torch.Tensor?> source, Precision precision, Int4Options int4, PruneOptions? prune) =>
        prune is null ? LlamaWeights.Create(config, precision, source, int4) : PrunedCheckpoint.Build(config, source, precision, int4, prune);

    // Tensor parallelism runs through the kernel decoder, so a split model prefills there too; an unsplit one prefills
    // through libtorch unless asked (to compare sizes on the same prefill path).
    private static PrefillPath ParsePrefillPath(EngineOptions options, DecodePath decode)
    {
        CheckTensorParallel(options, decode);
        bool split = options.TensorParallel > 1;
        string? name = options.Extra?.GetValueOrDefault("prefill");
        PrefillPath path = name switch
        {
            null => split ? PrefillPath.Kernels : PrefillPath.Torch,
            "torch" => PrefillPath.Torch,
            "kernels" => PrefillPath.Kernels,
            _ => throw new EngineException($"unknown prefill path '{name}' (supported: {string.Join(", ", PrefillPaths)})"),
        };
        if (path == PrefillPath.Kernels && decode != DecodePath.Kernels)
        {
            throw new EngineException("prefill: kernels needs decode: kernels");
        }

        if (path == PrefillPath.Torch && split)
        {
            throw new EngineException($"tensor-parallel size {options.TensorParallel} prefills through the split kernels; prefill: torch would run the whole model on one rank");
        }

        return path;
    }

    // The size alone and with the decode path; whether the model can be split that way is known once it is loaded.
    private static void CheckTensorParallel(EngineOptions options, DecodePath decode)
    {
        if (options.TensorParallel < 1)
        {
            throw new EngineException($"tensor-parallel size must be at least 1, got {options.TensorParallel}");
        }

        if (options.TensorParallel > 1 && decode != DecodePath.Kernels)
        {
            throw new EngineException($"tensor-parallel size {options.TensorParallel} runs through the kernel decoder; decode: torch is the unsplit libtorch baseline");
        }
    }

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
