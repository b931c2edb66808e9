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

    public static LlamaEngine Create(string modelSpec, EngineOptions options)
    {
        Precision precision = PrecisionNames.Parse(options.Precision);
        AttentionKind attention = AttentionKindNames.Parse(options.Attention);
        DecodePath decode = ParseDecodePath(options);
        if (options.TensorParallel != 1)
        {
            throw new EngineException($"tensor-parallel size {options.TensorParallel} is not supported by this engine yet (supported: 1)");
        }

        BatchingMode batching = BatchingModeNames.Parse(options.Batching);
        if (options.MaxBatch < 1)
        {
            throw new EngineException($"max batch must be at least 1, got {options.MaxBatch}");
        }

        if (!options.Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new EngineException($"device '{options.Device}' is not available: this build runs on cpu (build with -p:TorchBackend=cuda and a CUDA libtorch package for GPUs)");
        }

        ModelSpec spec = ModelSpec.Parse(modelSpec);
        TorchRuntime.EnsureInitialized();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        torch.set_num_threads(threads);

        LlamaWeights weights;
        LlamaConfig config;
        string? tokenizerJson;
        using (LoadedCheckpoint checkpoint = CheckpointLoader.Load(spec))
        {
            checkpoint.Validate();
            config = checkpoint.Config;
            tokenizerJson = checkpoint.TokenizerJsonPath;
            weights = LlamaWeights.Create(config, precision, checkpoint.TryGet);
        }

        if (options.MaxContext > config.MaxPositions)
        {
            weights.Dispose();
            throw new EngineException($"max context {options.MaxContext} exceeds the model's {config.MaxPositions} positions");
        }

        int context = options.MaxContext > 0 ? options.MaxContext : Math.Min(config.MaxPositions, DefaultContextCap);
        var model = new LlamaModel(weights, context, attention, decode, new KernelDecoderFactory(threads, batching == BatchingMode.None ? 1 : options.MaxBatch));
        ITokenizer? tokenizer = TokenizerFactory.ForModel(tokenizerJson, config.VocabSize, config.BosTokenId, config.EosTokenIds, synthetic: spec.Kind == ModelSpecKind.Preset);
        return new LlamaEngine(model, tokenizer, options, ParseBatchWait(options));
    }

    // How long a static batch waits for more requests after its first (engine option batch_wait_ms).
    private static TimeSpan? ParseBatchWait(EngineOptions options)
    {
        if (options.Extra?.GetValueOrDefault("batch_wait_ms") is not { } text)
        {
            return null;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double ms) && ms >= 0 && double.IsFinite(ms)
            ? TimeSpan.FromMilliseconds(ms)
            : throw new EngineException($"batch_wait_ms must be a non-negative number of milliseconds, got '{text}'");
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
