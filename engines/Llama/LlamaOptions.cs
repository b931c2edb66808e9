using System.Globalization;
using Harness.Engines.Llama.Batching;
using Harness.Engines.Llama.Compression;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;
using Harness.Engines.Options;

namespace Harness.Engines.Llama;

/// <summary>
/// Everything one variant of the Llama engine sets, typed, parsed once from the scenario's option map by
/// <see cref="Schema"/> and <see cref="From"/>. Each option swaps one small part of one engine: the weights' precision,
/// the attention kernel, the decode and prefill paths, the tensor-parallel split, pruning, and serving (batching and KV
/// memory). Code that builds an engine directly (tests, the engine's tools) sets the properties it needs; every build
/// goes through <see cref="Check"/>.
/// </summary>
public sealed record LlamaOptions
{
    public const string EngineName = "llama";

    /// <summary>Default KV cache length when max_context is 0 (models advertise up to 128k positions).</summary>
    public const int DefaultContextCap = 8192;

    public static LlamaOptions Default { get; } = new();

    public static OptionSchema Schema { get; } = new(
    [
        EngineOption.Choice("precision", "fp32", "Weight precision: fp32, bf16 and fp16 (storage, fp32 math), int8 weight-only, int8-dynamic (W8A8), int4 weight-only.", PrecisionNames.All),
        EngineOption.Choice("attention", "fused", "fused (one library kernel) or unfused (scores, mask, softmax and values as separate steps).", AttentionKindNames.All),
        EngineOption.Choice("decode", "kernels", "kernels (the project's SIMD kernels) or torch (libtorch ops, the baseline).", ["kernels", "torch"]),
        EngineOption.Choice("prefill", "auto", "torch (libtorch) or kernels (the split decoder's, chunks of 16 rows); auto: torch at tp 1, kernels above.", ["auto", "torch", "kernels"]),
        EngineOption.Integer("tp", 1, "Tensor-parallel ranks, each a worker thread with its own weight shard and share of the cores.", 1, 64) with { Aliases = ["tensor_parallel"] },
        EngineOption.Integer("threads", 0, "Compute threads; 0 = one per core.", 0),
        new EngineOption("device", OptionType.Text, "cpu", "Where to compute: cpu (this build has no CUDA libtorch)."),
        EngineOption.Integer("max_context", 0, $"KV cache length per sequence; 0 = the model's limit, capped at {DefaultContextCap}.", 0),
        new EngineOption("prune", OptionType.Text, "none", $"Prune every decoder matrix before converting: none, {PruneOptions.Forms}."),
        EngineOption.Choice("group_size", "32", "Int4: columns per scale.", ["32", "64", "128"]),
        EngineOption.Choice("rounding", "nearest", "Int4: how each group's scale is chosen (min_error searches for the smallest squared error).", ["nearest", "min_error"]),
        EngineOption.Boolean("int8_vocabulary", false, "Int4: keep the embedding and LM head as int8 per row."),
        EngineOption.Choice("batching", "none", "none (one request at a time), static batches, or continuous batching.", BatchingModeNames.All),
        EngineOption.Integer("max_batch", 1, "Most sequences holding KV memory at once (1 without batching).", 1),
        EngineOption.Choice("kv_layout", "contiguous", "contiguous (one slab per sequence) or paged (blocks from a shared pool).", ["contiguous", "paged"]),
        EngineOption.Integer("block_size", ServingOptions.DefaultBlockSize, "Paged KV: positions per block.", 1),
        new EngineOption("kv_budget_bytes", OptionType.Size, "0", "KV memory allowed (e.g. 90MiB); 0 = max_batch whole contexts."),
        EngineOption.Boolean("prefix_cache", false, "Paged KV: share the blocks of identical prompt prefixes."),
        EngineOption.Integer("max_batched_tokens", 0, "Continuous batching: positions one step computes (prompts are chunked to fit); 0 = no limit.", 0),
        new EngineOption("batch_wait_ms", OptionType.Duration, "50ms", "Static batching: how long a batch waits for more requests after its first.") { Min = 0 },
    ]);

    public Precision Precision { get; init; } = Precision.Fp32;

    public Int4Options Int4 { get; init; } = Int4Options.Default;

    public AttentionKind Attention { get; init; } = AttentionKind.Fused;

    public DecodePath Decode { get; init; } = DecodePath.Kernels;

    /// <summary>Null: torch when unsplit, the split kernels when tp > 1 (see <see cref="PrefillPath"/>).</summary>
    public PrefillPath? Prefill { get; init; }

    public int TensorParallel { get; init; } = 1;

    /// <summary>0 = one per core.</summary>
    public int Threads { get; init; }

    public string Device { get; init; } = "cpu";

    /// <summary>0 = the model's limit, capped at <see cref="DefaultContextCap"/>.</summary>
    public int MaxContext { get; init; }

    public PruneOptions? Prune { get; init; }

    public ServingOptions Serving { get; init; } = ServingOptions.Default;

    /// <summary>The prefill path this build runs: split models prefill through the split kernels.</summary>
    public PrefillPath PrefillPath => Prefill ?? (TensorParallel > 1 ? Model.PrefillPath.Kernels : Model.PrefillPath.Torch);

    /// <summary>Compute threads this build uses.</summary>
    public int ThreadCount => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>Parses and checks a scenario-style option map (unknown names are refused).</summary>
    /// <exception cref="EngineException">The first bad option, in one line.</exception>
    public static LlamaOptions Parse(IReadOnlyDictionary<string, string> options) => From(Schema.Read(options, EngineName));

    /// <exception cref="EngineException">Options that parse alone but not together.</exception>
    public static LlamaOptions From(OptionValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        BatchingMode batching = BatchingModeNames.Parse(values.Choice("batching"));
        string prefill = values.Choice("prefill");
        var options = new LlamaOptions
        {
            Precision = PrecisionNames.Parse(values.Choice("precision")),
            Int4 = new Int4Options(
                int.Parse(values.Choice("group_size"), CultureInfo.InvariantCulture),
                Int4Options.ParseRounding(values.Choice("rounding")),
                values.Boolean("int8_vocabulary")),
            Attention = AttentionKindNames.Parse(values.Choice("attention")),
            Decode = values.Choice("decode") == "torch" ? DecodePath.Torch : DecodePath.Kernels,
            Prefill = prefill switch
            {
                "torch" => Model.PrefillPath.Torch,
                "kernels" => Model.PrefillPath.Kernels,
                _ => null,
            },
            TensorParallel = values.Integer("tp"),
            Threads = values.Integer("threads"),
            Device = values.Text("device") ?? "cpu",
            MaxContext = values.Integer("max_context"),
            Prune = PruneOptions.Parse(values.Text("prune")),
            Serving = ServingOptions.Create(
                batching,
                values.Integer("max_batch"),
                values.Choice("kv_layout") == "paged" ? KvLayout.Paged : KvLayout.Contiguous,
                values.Integer("block_size"),
                values.Size("kv_budget_bytes"),
                values.Boolean("prefix_cache"),
                values.Integer("max_batched_tokens"),
                values.Duration("batch_wait_ms")),
        };
        options.Check();
        return options;
    }

    /// <summary>Checks how the options combine; whether the model can be split this way is known once it is loaded.</summary>
    /// <exception cref="EngineException">The first conflict, in one line.</exception>
    public void Check()
    {
        if (!Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new EngineException($"device '{Device}' is not available: this build runs on cpu (build with -p:TorchBackend=cuda and a CUDA libtorch package for GPUs)");
        }

        if (TensorParallel < 1)
        {
            throw new EngineException($"tensor-parallel size must be at least 1, got {TensorParallel}");
        }

        if (TensorParallel > 1 && Decode != DecodePath.Kernels)
        {
            throw new EngineException($"tensor-parallel size {TensorParallel} runs through the kernel decoder; decode: torch is the unsplit libtorch baseline");
        }

        if (PrefillPath == Model.PrefillPath.Kernels && Decode != DecodePath.Kernels)
        {
            throw new EngineException("prefill: kernels needs decode: kernels");
        }

        if (PrefillPath == Model.PrefillPath.Torch && TensorParallel > 1)
        {
            throw new EngineException($"tensor-parallel size {TensorParallel} prefills through the split kernels; prefill: torch would run the whole model on one rank");
        }

        Serving.CheckAgainst(Attention, Decode);
    }
}
