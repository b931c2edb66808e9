using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// Known architectures with synthetic weights, like vLLM's <c>--load-format dummy</c>: speed depends on shapes and
/// dtypes, not on values, so a benchmark needs no download. Weights are float32 from a seeded generator (the engine
/// converts to its precision): matrices and embeddings ~ N(0, 0.02), norm weights 1, biases ~ N(0, 0.01). Each tensor
/// draws from its own generator seeded by (seed, name), so the same seed gives bit-identical tensors regardless of
/// load order. Presets have no tokenizer.json; the engine uses GPT-2 BPE for them.
/// </summary>
public static class ModelPresets
{
    public const long DefaultSeed = 20240531;

    private const double MatrixStd = 0.02;
    private const double BiasStd = 0.01;

    private static readonly LlamaConfig Tiny = new()
    {
        ModelType = "llama",
        VocabSize = 512,
        HiddenSize = 64,
        IntermediateSize = 160,
        NumLayers = 2,
        NumHeads = 4,
        NumKvHeads = 2,
        HeadDim = 16,
        MaxPositions = 512,
        RopeTheta = 10000,
        RmsNormEps = 1e-5,
        TieEmbeddings = false,
        AttentionBias = false,
        BosTokenId = 1,
        EosTokenIds = [2],
    };

    private static readonly Dictionary<string, LlamaConfig> Configs = new(StringComparer.OrdinalIgnoreCase)
    {
        // Test-sized: untied LM head, no biases.
        ["tiny"] = Tiny,

        // Test-sized Qwen2 shape: q/k/v biases and a tied head.
        ["tiny-qwen"] = Tiny with { ModelType = "qwen2", AttentionBias = true, TieEmbeddings = true },

        // HuggingFaceTB/SmolLM2-135M config.json (base model: bos = eos = 0, <|endoftext|>).
        ["smollm2-135m"] = new()
        {
            ModelType = "llama",
            VocabSize = 49152,
            HiddenSize = 576,
            IntermediateSize = 1536,
            NumLayers = 30,
            NumHeads = 9,
            NumKvHeads = 3,
            HeadDim = 64,
            MaxPositions = 8192,
            RopeTheta = 100000,
            RmsNormEps = 1e-5,
            TieEmbeddings = true,
            BosTokenId = 0,
            EosTokenIds = [0],
        },

        // Qwen/Qwen2.5-0.5B config.json (base model: bos = eos = 151643, <|endoftext|>).
        ["qwen2.5-0.5b"] = new()
        {
            ModelType = "qwen2",
            VocabSize = 151936,
            HiddenSize = 896,
            IntermediateSize = 4864,
            NumLayers = 24,
            NumHeads = 14,
            NumKvHeads = 2,
            HeadDim = 64,
            MaxPositions = 32768,
            RopeTheta = 1000000,
            RmsNormEps = 1e-6,
            TieEmbeddings = true,
            AttentionBias = true,
            BosTokenId = 151643,
            EosTokenIds = [151643],
        },

        // meta-llama/Llama-3.2-1B config.json (base model: bos 128000 <|begin_of_text|>, eos 128001 <|end_of_text|>).
        ["llama3.2-1b"] = new()
        {
            ModelType = "llama",
            VocabSize = 128256,
            HiddenSize = 2048,
            IntermediateSize = 8192,
            NumLayers = 16,
            NumHeads = 32,
            NumKvHeads = 8,
            HeadDim = 64,
            MaxPositions = 131072,
            RopeTheta = 500000,
            RopeScaling = new RopeScaling(Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 8192),
            RmsNormEps = 1e-5,
            TieEmbeddings = true,
            BosTokenId = 128000,
            EosTokenIds = [128001],
        },
    };

    /// <summary>Preset names, in listing order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "tiny-qwen", "smollm2-135m", "qwen2.5-0.5b", "llama3.2-1b"];

    public static bool Contains(string name) => Configs.ContainsKey(name);

    /// <summary>The preset's config; throws <see cref="EngineException"/> listing the names when unknown.</summary>
    public static LlamaConfig Config(string name) =>
        Configs.TryGetValue(name, out LlamaConfig? c)
            ? c.Validate()
            : throw new EngineException($"unknown preset '{name}': expected one of {string.Join(", ", Names)}");

    /// <summary>Builds the preset with synthetic float32 weights drawn from <paramref name="seed"/>.</summary>
    public static LoadedCheckpoint Load(string name, long seed = DefaultSeed)
    {
        LlamaConfig config = Config(name);
        TorchRuntime.EnsureInitialized();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (ExpectedTensor e in LlamaTensorNames.Expected(config))
            {
                tensors.Add(e.Name, Synthesize(e, seed));
            }
        }
        catch
        {
            foreach (Tensor t in tensors.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return LoadedCheckpoint.CreateValidated(config, tensors, tokenizerJsonPath: null, source: $"preset:{name.ToLowerInvariant()} (synthetic, seed {seed})");
    }

    private static Tensor Synthesize(ExpectedTensor e, long seed)
    {
        long[] shape = [.. e.Shape];
        if (e.Name.EndsWith("norm.weight", StringComparison.Ordinal))
        {
            return ones(shape, ScalarType.Float32);
        }

        double std = e.Name.EndsWith(".bias", StringComparison.Ordinal) ? BiasStd : MatrixStd;
        using var generator = new Generator(TensorSeed(seed, e.Name), CPU);
        Tensor t = empty(shape, ScalarType.Float32);
        t.normal_(0, std, generator);
        return t;
    }

    /// <summary>FNV-1a over the name, mixed with the seed: stable across runs and platforms (unlike string.GetHashCode).</summary>
    private static ulong TensorSeed(long seed, string name)
    {
        ulong h = 14695981039346656037UL ^ (ulong)seed;
        foreach (char c in name)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }
}
