using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Harness.Engines.Llama.Kernels;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// Decode with the project's SIMD kernels for a batch of sequences (one new token each, every sequence at its own
/// position in its own KV cache), reading the same weight tensors libtorch uses (through their data pointers) and
/// writing the same KV caches. Decode is a stream over every weight once per step, so what matters is reaching DRAM
/// bandwidth: every matrix goes through <see cref="Gemv"/> once for the whole batch (up to <see cref="Gemv.MaxBatch"/>
/// vectors per pass), and the per-sequence ops (norms, rotary, attention over its own cache) stay on the calling thread
/// or split by heads. A sequence's logits do not depend on which batch it came in: the GEMV sums every vector in the
/// same order, so batched decode reproduces single-stream decode exactly.
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

    // Per-step activations for up to MaxBatch sequences, pinned once, row b for sequence b: x [B, d] residual stream,
    // h [B, d] normed, qkv [B, q + 2kv], attention [B, q], gateUp [B, 2i], act [B, i] (SwiGLU output),
    // scores [heads, capacity] scratch for unfused attention (sequences are attended one after another).
    private readonly float[] x, h, qkv, attention, gateUp, act, scores;

    /// <param name="pool">Workers this decoder owns from now on.</param>
    /// <param name="maxBatch">Most sequences one <see cref="DecodeBatch"/> takes.</param>
    public KernelDecoder(LlamaModel model, KernelThreadPool pool, int maxBatch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        this.model = model;
        this.pool = pool;
        MaxBatch = maxBatch;
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

        x = Pinned(maxBatch * config.HiddenSize);
        h = Pinned(maxBatch * config.HiddenSize);
        qkv = Pinned(maxBatch * (config.QueryDim + (2 * config.KvDim)));
        attention = Pinned(maxBatch * config.QueryDim);
        gateUp = Pinned(maxBatch * 2 * config.IntermediateSize);
        act = Pinned(maxBatch * config.IntermediateSize);
        scores = Pinned(config.NumHeads * model.MaxContext);
    }

    public int MaxBatch { get; }

    public void Decode(int id, KvCache cache, Span<float> logits) => DecodeBatch([id], [cache], logits);

    /// <summary>
    /// One decode step for B = ids.Length sequences: token ids[b] at position caches[b].Length. Writes logits
    /// [B, vocab] (row b for sequence b) and advances every cache by one.
    /// </summary>
    public void DecodeBatch(ReadOnlySpan<int> ids, IReadOnlyList<KvCache> caches, Span<float> logits)
    {
        int batch = ids.Length;
        int vocab = config.VocabSize;
        if (batch == 0 || batch > MaxBatch || caches.Count != batch || logits.Length < batch * vocab)
        {
            throw new ArgumentException($"a batch of {batch} ids needs {batch} caches (got {caches.Count}) and {batch} x {vocab} logits, at most {MaxBatch} sequences");
        }

        for (int b = 0; b < batch; b++)
        {
            if (caches[b].Length >= caches[b].Capacity)
            {
                throw new EngineException($"sequence of {caches[b].Length + 1} tokens exceeds the KV cache capacity of {caches[b].Capacity}");
            }

            LoadEmbedding(ids[b], x.AsSpan(b * config.HiddenSize, config.HiddenSize));
        }

        int d = config.HiddenSize, q = config.QueryDim, kv = config.KvDim, hd = config.HeadDim, inner = config.IntermediateSize;
        int qkvWidth = q + (2 * kv);
        float eps = (float)config.RmsNormEps;
        RotaryEmbedding rope = model.Rope;

        fixed (float* px = x, ph = h, pqkv = qkv, pattn = attention, pgu = gateUp, pact = act, pscores = scores, plogits = logits)
        {
            for (int l = 0; l < layers.Length; l++)
            {
                LayerPointers w = layers[l];
                NormRows(batch, new ReadOnlySpan<float>(w.AttentionNorm, d), eps);
                fixed (float* bias = w.QkvBias)
                {
                    Multiply(w.Qkv, ph, batch, pqkv, bias);
                }

                for (int b = 0; b < batch; b++)
                {
                    KvCache cache = caches[b];
                    int pos = cache.Length;
                    ReadOnlySpan<float> cos = rope.Cos.AsSpan(pos * rope.HalfDim, rope.HalfDim);
                    ReadOnlySpan<float> sin = rope.Sin.AsSpan(pos * rope.HalfDim, rope.HalfDim);
                    Span<float> row = qkv.AsSpan(b * qkvWidth, qkvWidth);
                    Rope.Apply(row[..q], config.NumHeads, hd, cos, sin, rope.Layout);
                    Rope.Apply(row.Slice(q, kv), config.NumKvHeads, hd, cos, sin, rope.Layout);

                    // Cache rows [kvHead, pos, :] take this token's k and v.
                    float* rowPtr = pqkv + ((nint)b * qkvWidth);
                    float* keys = FloatPointer(cache.Keys[l]);
                    float* values = FloatPointer(cache.Values[l]);
                    for (int head = 0; head < config.NumKvHeads; head++)
                    {
                        long slot = (((long)head * cache.Capacity) + pos) * hd;
                        Unsafe.CopyBlock(keys + slot, rowPtr + q + (head * hd), (uint)(hd * sizeof(float)));
                        Unsafe.CopyBlock(values + slot, rowPtr + q + kv + (head * hd), (uint)(hd * sizeof(float)));
                    }

                    float* output = pattn + ((nint)b * q);
                    if (model.Attention == AttentionKind.Fused)
                    {
                        DecodeAttention.Fused(pool, shape, rowPtr, keys, values, cache.Capacity, pos + 1, output);
                    }
                    else
                    {
                        DecodeAttention.Unfused(pool, shape, rowPtr, keys, values, cache.Capacity, pos + 1, output, pscores);
                    }
                }

                Multiply(w.Output, pattn, batch, px, accumulate: true);

                NormRows(batch, new ReadOnlySpan<float>(w.MlpNorm, d), eps);
                Multiply(w.GateUp, ph, batch, pgu);
                for (int b = 0; b < batch; b++)
                {
                    Span<float> row = gateUp.AsSpan(b * 2 * inner, 2 * inner);
                    SwiGlu.Apply(row[..inner], row[inner..], act.AsSpan(b * inner, inner));
                }

                Multiply(w.Down, pact, batch, px, accumulate: true);
            }

            NormRows(batch, new ReadOnlySpan<float>(finalNorm, d), eps);
            Multiply(lmHead, ph, batch, plogits);
        }

        foreach (KvCache cache in caches)
        {
            cache.Length++;
        }
    }

    // h[b] = RMSNorm(x[b]) · weight for every sequence of the batch.
    private void NormRows(int batch, ReadOnlySpan<float> weight, float eps)
    {
        int d = config.HiddenSize;
        for (int b = 0; b < batch; b++)
        {
            RmsNorm.Apply(x.AsSpan(b * d, d), weight, h.AsSpan(b * d, d), eps);
        }
    }

    // y [B, rows] = x [B, cols] · Wᵀ in passes of at most Gemv.MaxBatch vectors (each pass streams W once).
    private void Multiply(in WeightMatrix w, float* input, int batch, float* output, float* bias = null, bool accumulate = false)
    {
        for (int b = 0; b < batch; b += Gemv.MaxBatch)
        {
            int n = Math.Min(Gemv.MaxBatch, batch - b);
            Gemv.Multiply(pool, w, input + ((nint)b * w.Cols), n, output + ((nint)b * w.Rows), bias, accumulate);
        }
    }

    /// <summary>Stops the decoder's worker threads; the weights belong to the model.</summary>
    public void Dispose() => pool.Dispose();

    private void LoadEmbedding(int id, Span<float> row)
    {
        int d = config.HiddenSize;
        if (format == WeightFormat.F32)
        {
            new ReadOnlySpan<float>(embedding + ((long)id * d * sizeof(float)), d).CopyTo(row);
            return;
        }

        ushort* source = (ushort*)embedding + ((long)id * d);
        for (int i = 0; i < d; i++)
        {
            row[i] = BitConverter.Int32BitsToSingle(source[i] << 16);
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
