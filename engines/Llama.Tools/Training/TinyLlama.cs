using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// A Llama-family decoder written for training with libtorch autograd: its parameters are leaf tensors named exactly
/// as in Hugging Face Llama checkpoints (separate q/k/v and gate/up, tied embedding), so
/// <see cref="LlamaWeights.Create"/> takes them as they are. RMSNorm in fp32 with the config's eps, half-split rotary
/// through the engine's own <see cref="RotaryEmbedding"/>, GQA attention by libtorch's scaled_dot_product_attention,
/// SwiGLU: the same computation as <see cref="TorchForward"/>, so the engine reproduces the trained model's logits.
/// </summary>
internal sealed class TinyLlama : IDisposable
{
    private readonly RotaryEmbedding rope;

    /// <summary>Creates the parameters: normal(0, 0.02) matrices (the two that write to the residual stream scaled by 1/sqrt(2 x layers), as GPT-2 does), norms at one.</summary>
    public TinyLlama(LlamaConfig config, ulong seed)
    {
        Config = config.Validate();
        rope = new RotaryEmbedding(config, config.MaxPositions);
        using var generator = new Generator(seed);
        double residualStd = 0.02 / Math.Sqrt(2.0 * config.NumLayers);
        foreach (ExpectedTensor expected in LlamaTensorNames.Expected(config))
        {
            long[] shape = [.. expected.Shape];
            Tensor p = shape.Length == 1
                ? torch.ones(shape)
                : torch.randn(shape, generator: generator) * (IsResidualOutput(expected.Name) ? residualStd : 0.02);
            Parameters[expected.Name] = p.requires_grad_(true);
        }
    }

    public LlamaConfig Config { get; }

    /// <summary>Every parameter by its Hugging Face name, in <see cref="LlamaTensorNames.Expected"/> order.</summary>
    public Dictionary<string, Tensor> Parameters { get; } = new(StringComparer.Ordinal);

    public long ParameterCount => Parameters.Values.Sum(p => p.NumberOfElements);

    /// <summary>Logits [B, T, vocab] for token ids [B, T] (int64) at positions 0..T-1.</summary>
    public Tensor Logits(Tensor ids)
    {
        LlamaConfig c = Config;
        long b = ids.shape[0], t = ids.shape[1];
        int hd = c.HeadDim, group = c.NumHeads / c.NumKvHeads;
        Tensor embedding = Parameters[LlamaTensorNames.Embed];
        Tensor x = embedding.index_select(0, ids.reshape(-1)).view(b, t, c.HiddenSize); // [B, T, d]
        for (int layer = 0; layer < c.NumLayers; layer++)
        {
            Tensor W(string suffix) => Parameters[LlamaTensorNames.Layer(layer, suffix)];
            Tensor h = RmsNorm(x, W(LlamaTensorNames.InputNorm));
            Tensor q = rope.Apply(F.linear(h, W(LlamaTensorNames.Q)).view(b, t, c.NumHeads, hd), 0).transpose(1, 2);
            Tensor k = rope.Apply(F.linear(h, W(LlamaTensorNames.K)).view(b, t, c.NumKvHeads, hd), 0).transpose(1, 2);
            Tensor v = F.linear(h, W(LlamaTensorNames.V)).view(b, t, c.NumKvHeads, hd).transpose(1, 2);
            if (group > 1)
            {
                // [B, kvHeads, T, hd] -> [B, heads, T, hd]: query head i reads kv head i / group, as the engine does.
                k = k.repeat_interleave(group, 1);
                v = v.repeat_interleave(group, 1);
            }

            Tensor attention = F.scaled_dot_product_attention(q, k, v, is_casual: true); // [B, heads, T, hd]
            x = x + F.linear(attention.transpose(1, 2).reshape(b, t, c.QueryDim), W(LlamaTensorNames.O));
            Tensor h2 = RmsNorm(x, W(LlamaTensorNames.PostAttentionNorm));
            x = x + F.linear(F.silu(F.linear(h2, W(LlamaTensorNames.Gate))) * F.linear(h2, W(LlamaTensorNames.Up)), W(LlamaTensorNames.Down));
        }

        return F.linear(RmsNorm(x, Parameters[LlamaTensorNames.FinalNorm]), embedding);
    }

    /// <summary>Mean next-token cross-entropy (nats) of <paramref name="targets"/> [B, T] given <paramref name="ids"/> [B, T].</summary>
    public Tensor Loss(Tensor ids, Tensor targets)
    {
        using Tensor logits = Logits(ids);
        return F.cross_entropy(logits.view(-1, Config.VocabSize), targets.view(-1));
    }

    /// <summary>Summed next-token negative log-likelihood (nats), without gradients.</summary>
    public double SumNll(Tensor ids, Tensor targets)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor logits = Logits(ids);
        Tensor nll = F.cross_entropy(logits.view(-1, Config.VocabSize).to(ScalarType.Float64), targets.view(-1), reduction: nn.Reduction.Sum);
        return nll.item<double>();
    }

    /// <summary>The engine's inference weights, fp32, converted from these parameters.</summary>
    public LlamaWeights ToWeights()
    {
        using var noGrad = torch.no_grad();
        return LlamaWeights.Create(Config, Precision.Fp32, name => Parameters.GetValueOrDefault(name)?.detach());
    }

    public void Dispose()
    {
        rope.Dispose();
        foreach (Tensor p in Parameters.Values)
        {
            p.Dispose();
        }
    }

    private static bool IsResidualOutput(string name) =>
        name.EndsWith(LlamaTensorNames.O, StringComparison.Ordinal) || name.EndsWith(LlamaTensorNames.Down, StringComparison.Ordinal);

    private Tensor RmsNorm(Tensor x, Tensor weight) =>
        x * torch.rsqrt(x.pow(2).mean([-1], keepdim: true) + Config.RmsNormEps) * weight;
}
