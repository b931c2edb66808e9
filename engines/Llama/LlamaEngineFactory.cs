using System.Globalization;
using Harness.Engines.Llama.Batching;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Compression;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Tokenization;
using Harness.Engines.Llama.Torch;
using Harness.Engines.Options;
using TorchSharp;

namespace Harness.Engines.Llama;

/// <summary>
/// The Llama engine as a plug-in: its name, option schema (<see cref="LlamaOptions.Schema"/>), and builds of
/// <see cref="LlamaEngine"/> from a model spec and one variant's <see cref="LlamaOptions"/>.
/// </summary>
public sealed class LlamaEngineFactory : EngineFactory<LlamaOptions>
{
    /// <summary>Options that change how requests are served but not the numbers (see <see cref="ReferenceOptions"/>).</summary>
    private static readonly string[] ServingOnlyOptions = ["batch_wait_ms", "max_batched_tokens", "kv_budget_bytes"];

    public override string Name => LlamaOptions.EngineName;

    public override string Description => "The project's Llama-family engine: TorchSharp prefill, its own SIMD decode kernels, batching, paged KV, tensor parallelism, pruning and quantisation (CPU).";

    public override OptionSchema Schema => LlamaOptions.Schema;

    public override EngineCapabilities Capabilities => LlamaEngine.DescribeCapabilities();

    /// <summary>The shipped trained models (read from their manifests) and the presets (synthetic weights at real shapes).</summary>
    public override IEnumerable<string> DescribeModels()
    {
        foreach ((string name, string how) in new[] { ("default", "trained by `train` on the .NET SDK's documentation; a scenario without a model runs it"), ("default-distilled", "distilled from default by `distill`") })
        {
            (LlamaWeights weights, _, _) = LoadWeights(ModelSpec.Parse(name), Precision.Fp32);
            using (weights)
            {
                LlamaConfig c = weights.Config;
                yield return string.Create(CultureInfo.InvariantCulture, $"{name,-18} {c.ParameterCount / 1e6:F2} M parameters, {c.NumLayers} layers, hidden {c.HiddenSize}, vocab {c.VocabSize}, {c.MaxPositions} positions; {how}");
            }
        }

        foreach (string name in ModelPresets.Names)
        {
            LlamaConfig c = ModelPresets.Config(name);
            yield return string.Create(CultureInfo.InvariantCulture, $"preset:{name,-11} {c.ModelType}, {c.NumLayers} layers, hidden {c.HiddenSize}, heads {c.NumHeads}/{c.NumKvHeads} kv, vocab {c.VocabSize}, {c.MaxPositions} positions (synthetic weights at real shapes)");
        }
    }

    /// <summary>Presets use GPT-2 BPE, Hugging Face folders have one when they hold tokenizer.json, llama2.c files never do.</summary>
    public override bool? HasTokenizer(string modelSpec)
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

    /// <summary>
    /// The variant's options with serving changed so the reference sequences run in one continuous batch (outputs do not
    /// depend on the batch) with a context just long enough when none is set.
    /// </summary>
    public override IReadOnlyDictionary<string, string> ReferenceOptions(IReadOnlyDictionary<string, string> options, int batch, int contextTokens)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reference = options.Where(kv => !ServingOnlyOptions.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
        reference["batching"] = "continuous";
        reference["max_batch"] = batch.ToString(CultureInfo.InvariantCulture);
        if (!reference.TryGetValue("max_context", out string? context) || context.Trim() == "0")
        {
            reference["max_context"] = ((contextTokens + 63) / 64 * 64).ToString(CultureInfo.InvariantCulture);
        }

        return reference;
    }

    /// <summary>Builds from options set in code (tests, the engine's tools).</summary>
    public static LlamaEngine Build(string modelSpec, LlamaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        ModelSpec spec = ModelSpec.Parse(modelSpec);
        TorchRuntime.EnsureInitialized();
        torch.set_num_threads(options.ThreadCount);

        (LlamaWeights weights, string? tokenizerJson, bool synthetic) = LoadWeights(spec, options.Precision, options.Int4, options.Prune);
        LlamaConfig config = weights.Config;

        if (options.MaxContext > config.MaxPositions)
        {
            weights.Dispose();
            throw new EngineException($"max context {options.MaxContext} exceeds the model's {config.MaxPositions} positions");
        }

        int context = options.MaxContext > 0 ? options.MaxContext : Math.Min(config.MaxPositions, LlamaOptions.DefaultContextCap);
        LlamaModel model;
        try
        {
            var decoder = new KernelDecoderFactory(options.ThreadCount, options.Serving.DecodeRows, options.TensorParallel);
            model = new LlamaModel(weights, context, options.Attention, options.Decode, decoder, prefillPath: options.PrefillPath);
        }
        catch
        {
            weights.Dispose();
            throw;
        }

        ITokenizer? tokenizer = TokenizerFactory.ForModel(tokenizerJson, config.VocabSize, config.BosTokenId, config.EosTokenIds, synthetic);
        try
        {
            return new LlamaEngine(model, tokenizer, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    protected override LlamaOptions Bind(OptionValues values) => LlamaOptions.From(values);

    protected override IInferenceEngine Create(string modelSpec, LlamaOptions options) => Build(modelSpec, options);

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
}
