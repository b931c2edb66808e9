using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Compression;

/// <summary>
/// A checkpoint's tensors after pruning, under the same Hugging Face names, for <see cref="LlamaWeights.Create"/> to
/// convert to any precision (pruned zeros stay zeros in int8 and int4). Unstructured and 2:4 pruning keep every shape;
/// structured MLP pruning keeps the same number of channels in every layer, so the result is an ordinary Llama with a
/// smaller intermediate size.
/// </summary>
public sealed class PrunedCheckpoint : IDisposable
{
    private readonly Dictionary<string, Tensor> pruned = new(StringComparer.Ordinal);
    private readonly List<int[]> keptChannels = [];
    private readonly Func<string, Tensor?> source;

    /// <param name="source">The dense checkpoint's tensors by name (owned by the caller).</param>
    /// <param name="norms">Input column norms from calibration; required when <see cref="PruneOptions.NeedsCalibration"/>.</param>
    public PrunedCheckpoint(LlamaConfig config, Func<string, Tensor?> source, PruneOptions options, ActivationNorms? norms)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        if (options.NeedsCalibration && norms is null)
        {
            throw new ArgumentException($"prune {options} needs calibration activations", nameof(norms));
        }

        this.source = source;
        Options = options;
        Config = config;
        for (int layer = 0; layer < config.NumLayers; layer++)
        {
            if (options.Method == PruneMethod.MlpChannels)
            {
                Config = config with { IntermediateSize = RemoveChannels(layer, config, norms!) };
                continue;
            }

            foreach ((string name, ActivationSite site) in Matrices)
            {
                string full = LlamaTensorNames.Layer(layer, name);
                Tensor weight = Required(full);
                float[]? columns = options.Method is PruneMethod.Wanda or PruneMethod.Wanda24 ? norms!.Of(layer, site) : null;
                pruned[full] = options.Method switch
                {
                    PruneMethod.Magnitude => MatrixPruning.Unstructured(weight, null, options.Fraction, perRow: false),
                    PruneMethod.Wanda => MatrixPruning.Unstructured(weight, columns, options.Fraction, perRow: true),
                    _ => MatrixPruning.SemiStructured(weight, columns),
                };
            }
        }
    }

    public PruneOptions Options { get; }

    /// <summary>The config of the pruned model (a smaller intermediate size after structured pruning).</summary>
    public LlamaConfig Config { get; }

    /// <summary>Structured pruning: per layer, the original indices of the MLP channels kept, ascending; else empty.</summary>
    public IReadOnlyList<int[]> KeptChannels => keptChannels;

    // Every pruned matrix with the site its input comes from.
    private static (string Name, ActivationSite Site)[] Matrices { get; } =
    [
        (LlamaTensorNames.Q, ActivationSite.Attention),
        (LlamaTensorNames.K, ActivationSite.Attention),
        (LlamaTensorNames.V, ActivationSite.Attention),
        (LlamaTensorNames.O, ActivationSite.Output),
        (LlamaTensorNames.Gate, ActivationSite.Mlp),
        (LlamaTensorNames.Up, ActivationSite.Mlp),
        (LlamaTensorNames.Down, ActivationSite.Down),
    ];

    /// <summary>A tensor by name: the pruned one where pruning changed it, else the source's.</summary>
    public Tensor? TryGet(string name) => pruned.TryGetValue(name, out Tensor? t) ? t : source(name);

    /// <summary>
    /// Prunes a checkpoint into weights of <paramref name="precision"/>: calibrates on sequences sampled from the dense
    /// fp32 model when the method needs activations, prunes, then converts.
    /// </summary>
    public static LlamaWeights Build(LlamaConfig config, Func<string, Tensor?> source, Precision precision, Int4Options int4, PruneOptions options)
    {
        ActivationNorms? norms = null;
        if (options.NeedsCalibration)
        {
            using var dense = new LlamaModel(LlamaWeights.Create(config, Precision.Fp32, source), PruneOptions.CalibrationLength + 1, AttentionKind.Fused, DecodePath.Torch);
            norms = ActivationNorms.Calibrate(dense, PruneOptions.CalibrationSequences, PruneOptions.CalibrationLength, seed: 1);
        }

        using var pruned = new PrunedCheckpoint(config, source, options, norms);
        return LlamaWeights.Create(pruned.Config, precision, pruned.TryGet, int4);
    }

    public void Dispose()
    {
        foreach (Tensor t in pruned.Values)
        {
            t.Dispose();
        }

        pruned.Clear();
    }

    // Keeps the channels with the highest ‖X_j‖₂ · ‖W_down[:, j]‖₂ (how much each adds to the layer's output), the same
    // count in every layer, in their original order; returns the count kept.
    private int RemoveChannels(int layer, LlamaConfig config, ActivationNorms norms)
    {
        using var noGrad = torch.no_grad();
        int inner = config.IntermediateSize;
        int keep = inner - (int)Math.Round(Options.Fraction * inner);
        if (keep < 1)
        {
            throw new EngineException($"prune {Options} would remove all {inner} MLP channels");
        }

        using var scope = torch.NewDisposeScope();
        Tensor down = Required(LlamaTensorNames.Layer(layer, LlamaTensorNames.Down)).to(ScalarType.Float32);
        Tensor importance = torch.tensor(norms.Of(layer, ActivationSite.Down)) * down.norm(dim: 0, keepdim: false, p: 2);
        (Tensor _, Tensor top) = importance.topk(keep, largest: true, sorted: false);
        Tensor kept = top.sort().Values;
        keptChannels.Add([.. kept.data<long>().ToArray().Select(i => (int)i)]);
        Keep(layer, LlamaTensorNames.Gate, 0, kept);
        Keep(layer, LlamaTensorNames.Up, 0, kept);
        Keep(layer, LlamaTensorNames.Down, 1, kept);
        return keep;
    }

    private void Keep(int layer, string name, int dim, Tensor indices)
    {
        string full = LlamaTensorNames.Layer(layer, name);
        pruned[full] = Required(full).to(ScalarType.Float32).index_select(dim, indices).contiguous().MoveToOuterDisposeScope();
    }

    private Tensor Required(string name) => source(name) ?? throw new EngineException($"checkpoint is missing tensor '{name}'");
}
