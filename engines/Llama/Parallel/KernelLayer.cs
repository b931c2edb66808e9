using Harness.Engines.Llama.Kernels;

namespace Harness.Engines.Llama.Parallel;

/// <summary>
/// One layer as a rank's decode kernels read it: qkv [q + 2kv, d] (its heads' rows), output [d, q] (its heads'
/// columns), gate/up [2i, d] (its channels' rows), down [d, i] (its channels' columns), where q, kv and i are the
/// rank's widths; the q/k/v bias in fp32 (or null) and the two norm weights [d] fp32. The memory belongs to the
/// rank's <see cref="RankWeights"/> and the model.
/// </summary>
public readonly unsafe struct KernelLayer(
    WeightMatrix qkv, float[]? qkvBias, WeightMatrix output, WeightMatrix gateUp, WeightMatrix down, float* attentionNorm, float* mlpNorm)
{
    public WeightMatrix Qkv { get; } = qkv;

    public float[]? QkvBias { get; } = qkvBias;

    public WeightMatrix Output { get; } = output;

    public WeightMatrix GateUp { get; } = gateUp;

    public WeightMatrix Down { get; } = down;

    public float* AttentionNorm { get; } = attentionNorm;

    public float* MlpNorm { get; } = mlpNorm;
}
