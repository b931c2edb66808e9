using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Harness.Engines.Llama.Kernels;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// Single-sequence decode with the project's SIMD kernels, reading the same weight tensors libtorch uses (through
/// their data pointers) and writing the same KV cache. Decode at batch 1 is a stream over every weight once per
/// token, so what matters is reaching DRAM bandwidth: every matrix goes through <see cref="Gemv"/> and the small
/// per-token ops stay on the calling thread.
/// </summary>
public sealed unsafe class KernelDecoder : IDecodeStep
{
    private readonly LlamaModel model;
    private readonly LlamaConfig config;
    private readonly KernelThreadPool pool;
    private readonly AttentionShape shape;
    private readonly LayerPointers[] layers;
    private readonly WeightMatrix lmHead;
    private readonly float* finalNorm;
    private readonly WeightFormat format;
    private readonly byte* embedding;

    // Per-token activations, pinned once: x [d] residual stream, h [d] normed, qkv [q + 2kv], attention [q],
    // gateUp [2i] then the activated [i] in place, scores [heads, capacity] for unfused attention.
    private readonly float[] x, h, qkv, attention, gateUp, scores;

    /// <param name="pool">Workers this decoder owns from now on.</param>
    public KernelDecoder(LlamaModel model, KernelThreadPool pool)
    {
        this.model = model;
        this.pool = pool;
        config = model.Config;
        LlamaWeights w = model.Weights;
        format = w.Precision == Precision.Bf16 ? WeightFormat.BF16 : WeightFormat.F32;
        shape = new AttentionShape(config.NumHeads, config.NumKvHeads, config.HeadDim);
        layers = [.. w.Layers.Select(l => new LayerPointers(
            Matrix(l.Qkv),
            l.QkvBias is null ? null : PinnedCopy(l.QkvBias),
            Matrix(l.Output),
            Matrix(l.GateUp),
            Matrix(l.Down),
            FloatPointer(l.AttentionNorm),
            FloatPointer(l.MlpNorm)))];
        lmHead = Matrix(w.LmHead);
        finalNorm = FloatPointer(w.FinalNorm);
        embedding = BytePointer(w.Embedding);

        x = Pinned(config.HiddenSize);
        h = Pinned(config.HiddenSize);
        qkv = Pinned(config.QueryDim + (2 * config.KvDim));
        attention = Pinned(config.QueryDim);
        gateUp = Pinned(2 * config.IntermediateSize);
        scores = Pinned(config.NumHeads * model.MaxContext);
    }

    public void Decode(int id, KvCache cache, Span<float> logits)
    {
        int pos = cache.Length;
        if (pos >= cache.Capacity)
        {
            throw new EngineException($"sequence of {pos + 1} tokens exceeds the KV cache capacity of {cache.Capacity}");
        }

        int d = config.HiddenSize, q = config.QueryDim, kv = config.KvDim, hd = config.HeadDim, inner = config.IntermediateSize;
        float eps = (float)config.RmsNormEps;
        RotaryEmbedding rope = model.Rope;
        ReadOnlySpan<float> cos = rope.Cos.AsSpan(pos * rope.HalfDim, rope.HalfDim);
        ReadOnlySpan<float> sin = rope.Sin.AsSpan(pos * rope.HalfDim, rope.HalfDim);
        LoadEmbedding(id);

        fixed (float* px = x, ph = h, pqkv = qkv, pattn = attention, pgu = gateUp, pscores = scores, plogits = logits)
        {
            for (int l = 0; l < layers.Length; l++)
            {
                LayerPointers w = layers[l];
                RmsNorm.Apply(x, new ReadOnlySpan<float>(w.AttentionNorm, d), h, eps);
                fixed (float* bias = w.QkvBias)
                {
                    Gemv.Multiply(pool, w.Qkv, ph, 1, pqkv, bias);
                }

                Rope.Apply(qkv.AsSpan(0, q), config.NumHeads, hd, cos, sin, rope.Layout);
                Rope.Apply(qkv.AsSpan(q, kv), config.NumKvHeads, hd, cos, sin, rope.Layout);

                // Cache rows [kvHead, pos, :] take this token's k and v.
                float* keys = FloatPointer(cache.Keys[l]);
                float* values = FloatPointer(cache.Values[l]);
                for (int head = 0; head < config.NumKvHeads; head++)
                {
                    long row = (((long)head * cache.Capacity) + pos) * hd;
                    Unsafe.CopyBlock(keys + row, pqkv + q + (head * hd), (uint)(hd * sizeof(float)));
                    Unsafe.CopyBlock(values + row, pqkv + q + kv + (head * hd), (uint)(hd * sizeof(float)));
                }

                if (model.Attention == AttentionKind.Fused)
                {
                    DecodeAttention.Fused(pool, shape, pqkv, keys, values, cache.Capacity, pos + 1, pattn);
                }
                else
                {
                    DecodeAttention.Unfused(pool, shape, pqkv, keys, values, cache.Capacity, pos + 1, pattn, pscores);
                }

                Gemv.Multiply(pool, w.Output, pattn, 1, px, accumulate: true);

                RmsNorm.Apply(x, new ReadOnlySpan<float>(w.MlpNorm, d), h, eps);
                Gemv.Multiply(pool, w.GateUp, ph, 1, pgu);
                SwiGlu.Apply(gateUp.AsSpan(0, inner), gateUp.AsSpan(inner, inner), gateUp.AsSpan(0, inner));
                Gemv.Multiply(pool, w.Down, pgu, 1, px, accumulate: true);
            }

            RmsNorm.Apply(x, new ReadOnlySpan<float>(finalNorm, d), h, eps);
            Gemv.Multiply(pool, lmHead, ph, 1, plogits);
        }

        cache.Length = pos + 1;
    }

    /// <summary>Stops the decoder's worker threads; the weights belong to the model.</summary>
    public void Dispose() => pool.Dispose();

    private void LoadEmbedding(int id)
    {
        int d = config.HiddenSize;
        if (format == WeightFormat.F32)
        {
            new ReadOnlySpan<float>(embedding + ((long)id * d * sizeof(float)), d).CopyTo(x);
            return;
        }

        ushort* row = (ushort*)embedding + ((long)id * d);
        for (int i = 0; i < d; i++)
        {
            x[i] = BitConverter.Int32BitsToSingle(row[i] << 16);
        }
    }

    private WeightMatrix Matrix(Tensor t) => new(BytePointer(t), (int)t.shape[0], (int)t.shape[1], format);

    private static float[] Pinned(int length) => GC.AllocateArray<float>(length, pinned: true);

    private static float[] PinnedCopy(Tensor t)
    {
        using Tensor f = t.to(ScalarType.Float32).contiguous();
        float[] copy = Pinned((int)f.NumberOfElements);
        f.data<float>().CopyTo(copy);
        return copy;
    }

    private static byte* BytePointer(Tensor t) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));

    private static float* FloatPointer(Tensor t) => (float*)BytePointer(t);

    private readonly struct LayerPointers(
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
}
