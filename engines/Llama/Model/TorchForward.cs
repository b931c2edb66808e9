using Harness.Engines.Llama.KvCache;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// The model's forward pass written with libtorch ops: used for prefill (compute-bound, where libtorch's GEMM is
/// the right tool), for whole-sequence reference logits, and for decode on devices without the CPU kernels.
/// </summary>
public sealed class TorchForward
{
    private readonly LlamaWeights weights;
    private readonly RotaryEmbedding rope;
    private readonly LlamaConfig config;
    private readonly ScalarType activations;
    private readonly KernelLinear? kernels;

    /// <param name="kernels">Quantised precisions: the kernel matmul (see <see cref="KernelLinear.Takes"/>); null otherwise.</param>
    internal TorchForward(LlamaWeights weights, RotaryEmbedding rope, KernelLinear? kernels = null)
    {
        this.weights = weights;
        this.rope = rope;
        this.kernels = kernels;
        config = weights.Config;

        // On CPU, libtorch's bf16 GEMM measured ~6x slower than fp32 here (10-15 vs 60-80 GFLOP/s at prefill
        // shapes), so bf16 weights are upcast per matmul and activations stay fp32: bf16 is a storage format on CPU.
        activations = weights.Embedding.device_type == DeviceType.CPU ? ScalarType.Float32 : weights.Precision.DType();
    }

    /// <summary>
    /// Runs tokens <paramref name="ids"/> at positions cache.Length.. through the model, appends their keys and values
    /// to the cache, and returns fp32 logits: [T, vocab] when <paramref name="allLogits"/>, else [vocab] for the last
    /// position.
    /// </summary>
    /// <param name="observer">Sees the input of every layer's matrix products (calibration for pruning); null in serving.</param>
    public Tensor Forward(ReadOnlySpan<int> ids, ContiguousKvCache cache, AttentionKind attention, bool allLogits = false, Compression.IActivationObserver? observer = null)
    {
        int start = cache.Length;
        int t = ids.Length;
        if (t == 0 || start + t > cache.Capacity)
        {
            throw new EngineException($"sequence of {start + t} tokens exceeds the KV cache capacity of {cache.Capacity}");
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using Tensor idTensor = torch.tensor(ids.ToArray().Select(i => (long)i).ToArray(), ScalarType.Int64);

        // x: [1, T, d] (the looked-up rows of a quantised embedding dequantised like any matrix's)
        Tensor rows = weights.Embedding.index_select(0, idTensor);
        Tensor? rowScales = weights.EmbeddingScale?.index_select(0, idTensor);
        Tensor x = (rows.dtype == activations ? rows : weights.Dequantize(rows, rowScales, config.HiddenSize)).unsqueeze(0).to(activations);
        int q = config.QueryDim, kv = config.KvDim, hd = config.HeadDim;
        for (int layer = 0; layer < config.NumLayers; layer++)
        {
            LayerWeights w = weights.Layers[layer];
            Tensor h = RmsNorm(x, w.AttentionNorm);
            observer?.Observe(layer, Compression.ActivationSite.Attention, h);
            Tensor qkv = Linear(h, w.Qkv, w.QkvBias, w.QkvScale);
            Tensor qh = rope.Apply(qkv.narrow(-1, 0, q).view(1, t, config.NumHeads, hd), start);
            Tensor kh = rope.Apply(qkv.narrow(-1, q, kv).view(1, t, config.NumKvHeads, hd), start);
            Tensor vh = qkv.narrow(-1, q + kv, kv).view(1, t, config.NumKvHeads, hd);

            // Cache layout [kvHeads, capacity, hd]: write positions start..start+T.
            cache.Keys[layer].narrow(1, start, t).copy_(kh[0].transpose(0, 1));
            cache.Values[layer].narrow(1, start, t).copy_(vh[0].transpose(0, 1));

            // q: [1, heads, T, hd]; k, v over the whole valid cache: [1, heads, S, hd] after GQA expansion.
            int s = start + t;
            Tensor qt = qh.transpose(1, 2);
            Tensor keys = ExpandKv(cache.Keys[layer].narrow(1, 0, s), x.dtype);
            Tensor values = ExpandKv(cache.Values[layer].narrow(1, 0, s), x.dtype);
            Tensor attn = attention == AttentionKind.Fused
                ? FusedAttention(qt, keys, values, start)
                : UnfusedAttention(qt, keys, values, start);

            Tensor heads = attn.transpose(1, 2).reshape(1, t, q);
            observer?.Observe(layer, Compression.ActivationSite.Output, heads);
            Tensor o = Linear(heads, w.Output, scales: w.OutputScale);
            x = x + o;

            Tensor h2 = RmsNorm(x, w.MlpNorm);
            observer?.Observe(layer, Compression.ActivationSite.Mlp, h2);
            Tensor gateUp = Linear(h2, w.GateUp, scales: w.GateUpScale);
            int inner = config.IntermediateSize;
            Tensor act = F.silu(gateUp.narrow(-1, 0, inner)) * gateUp.narrow(-1, inner, inner);
            observer?.Observe(layer, Compression.ActivationSite.Down, act);
            x = x + Linear(act, w.Down, scales: w.DownScale);
        }

        Tensor last = allLogits ? x[0] : x[0, -1];
        Tensor logits = Linear(RmsNorm(last, weights.FinalNorm), weights.LmHead, scales: weights.LmHeadScale).to(ScalarType.Float32);
        cache.Length = start + t;
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// x · Wᵀ (+ b) in the activation dtype; weights stored in another dtype are converted for this call only (int8 and
    /// int4 matrices dequantised with their scales: on CPU prefill is a storage format question, as for bf16), except
    /// where the kernels take the product (<see cref="KernelLinear"/>): every int8-dynamic matrix, multiplied in
    /// integers against per-token int8 activations, and int8 or int4 ones applied to a few rows.
    /// </summary>
    private Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null, Tensor? scales = null)
    {
        if (kernels is not null && kernels.Takes(weight, x.NumberOfElements / x.shape[^1]))
        {
            return kernels.Multiply(x, weight, scales, bias).to(x.dtype);
        }

        if (scales is not null || weight.dtype == ScalarType.Byte)
        {
            return F.linear(x, weights.Dequantize(weight, scales, (int)x.shape[^1]).to(x.dtype), bias?.to(x.dtype));
        }

        return weight.dtype == x.dtype
            ? F.linear(x, weight, bias)
            : F.linear(x, weight.to(x.dtype), bias?.to(x.dtype));
    }

    /// <summary>RMSNorm computed in fp32 (as reference implementations do), returned in x's dtype.</summary>
    private Tensor RmsNorm(Tensor x, Tensor weight)
    {
        Tensor xf = x.to(ScalarType.Float32);
        Tensor normed = xf * torch.rsqrt(xf.pow(2).mean([-1], keepdim: true) + config.RmsNormEps) * weight;
        return normed.to(x.dtype);
    }

    /// <summary>[kvHeads, S, hd] fp32 cache slice -> [1, heads, S, hd] in the compute dtype (GQA: each kv head serves a group).</summary>
    private Tensor ExpandKv(Tensor cached, ScalarType dtype)
    {
        int group = config.NumHeads / config.NumKvHeads;
        Tensor c = cached.to(dtype);
        if (group > 1)
        {
            c = c.repeat_interleave(group, 0);
        }

        return c.unsqueeze(0);
    }

    private static Tensor FusedAttention(Tensor q, Tensor k, Tensor v, int start)
    {
        long t = q.shape[2];
        if (start == 0)
        {
            return F.scaled_dot_product_attention(q, k, v, is_casual: t > 1);
        }

        // With cached positions in front, SDPA's is_causal would align the mask to the top-left corner; pass the
        // bottom-right aligned mask explicitly (true = may attend).
        return t == 1
            ? F.scaled_dot_product_attention(q, k, v)
            : F.scaled_dot_product_attention(q, k, v, attn_mask: CausalMask(t, start, q.device).logical_not());
    }

    private static Tensor UnfusedAttention(Tensor q, Tensor k, Tensor v, int start)
    {
        long t = q.shape[2];
        double scale = 1.0 / Math.Sqrt(q.shape[3]);
        Tensor scores = torch.matmul(q.to(ScalarType.Float32), k.to(ScalarType.Float32).transpose(-2, -1)) * scale;
        if (t > 1)
        {
            scores = scores.masked_fill(CausalMask(t, start, q.device), float.NegativeInfinity);
        }

        Tensor probs = F.softmax(scores, -1);
        return torch.matmul(probs, v.to(ScalarType.Float32)).to(q.dtype);
    }

    /// <summary>[T, start+T] bool, true where query i must NOT see key j (j > start + i).</summary>
    private static Tensor CausalMask(long t, int start, Device device) =>
        torch.ones([t, start + t], ScalarType.Bool, device).triu(start + 1);
}
