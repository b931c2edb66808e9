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
    private readonly WeightMatrix embeddingMatrix;

    private readonly MatrixProducts products;
    private readonly float* finalNorm;

    // Per-step activations for up to MaxBatch sequences, pinned once, row b for sequence b: x [B, d] residual stream,
    // h [B, d] normed, qkv [B, q + 2kv], attention [B, q], gateUp [B, 2i], act [B, i] (SwiGLU output),
    // scores [heads, capacity] scratch for unfused attention (sequences are attended one after another).
    private readonly float[] x, h, qkv, attention, gateUp, act, scores;

    /// <param name="pool">Workers this decoder owns from now on.</param>
    /// <param name="maxBatch">Most rows (sequences, or positions being recomputed) one <see cref="Forward"/> takes.</param>
    public KernelDecoder(LlamaModel model, KernelThreadPool pool, int maxBatch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        this.model = model;
        this.pool = pool;
        MaxBatch = maxBatch;
        config = model.Config;
        LlamaWeights w = model.Weights;
        shape = new AttentionShape(config.NumHeads, config.NumKvHeads, config.HeadDim);
        layers = new LayerPointers[config.NumLayers];
        for (int i = 0; i < layers.Length; i++)
        {
            LayerWeights l = w.Layers[i];
            (WeightMatrix qkvW, WeightMatrix outputW, WeightMatrix gateUpW, WeightMatrix downW) = KernelMatrix.Layer(w, i);
            layers[i] = new LayerPointers(
                qkvW,
                l.QkvBias is null ? null : PinnedCopy(l.QkvBias),
                outputW,
                gateUpW,
                downW,
                TensorMemory.Floats(l.AttentionNorm),
                TensorMemory.Floats(l.MlpNorm));
        }

        lmHead = KernelMatrix.LmHead(w);
        embeddingMatrix = KernelMatrix.Embedding(w);
        products = new MatrixProducts(pool, w.Precision, config);
        finalNorm = TensorMemory.Floats(w.FinalNorm);

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
        if (caches.Count != batch)
        {
            throw new ArgumentException($"a batch of {batch} ids needs {batch} caches (got {caches.Count})");
        }

        Span<int> positions = batch <= 64 ? stackalloc int[batch] : new int[batch];
        Span<bool> emit = batch <= 64 ? stackalloc bool[batch] : new bool[batch];
        for (int b = 0; b < batch; b++)
        {
            positions[b] = caches[b].Length;
            emit[b] = true;
        }

        Forward(ids, positions, caches, emit, logits);
        foreach (KvCache cache in caches)
        {
            cache.Length++;
        }
    }

    /// <summary>
    /// Runs R = ids.Length rows through the model: token ids[r] at position positions[r] of sequence kv[r]. A sequence
    /// may have several rows (recomputing positions after a preemption); they must be consecutive positions in
    /// ascending row order, because each row stores its K/V before it attends, so a later row of the same sequence
    /// sees the earlier ones (a causal mask for free). Writes logits [E, vocab] for the E rows with emit[r] set, in row
    /// order, and leaves every sequence's Length to the caller.
    /// </summary>
    public void Forward(ReadOnlySpan<int> ids, ReadOnlySpan<int> positions, IReadOnlyList<IKvSequence> kv, ReadOnlySpan<bool> emit, Span<float> logits)
    {
        int rows = ids.Length;
        int vocab = config.VocabSize;
        int emitted = 0;
        foreach (bool e in emit)
        {
            emitted += e ? 1 : 0;
        }

        if (rows == 0 || rows > MaxBatch || kv.Count != rows || positions.Length != rows || emit.Length != rows || logits.Length < emitted * vocab)
        {
            throw new ArgumentException($"{rows} rows need {rows} positions, sequences and emit flags (got {positions.Length}, {kv.Count}, {emit.Length}) and {emitted} x {vocab} logits, at most {MaxBatch} rows");
        }

        for (int b = 0; b < rows; b++)
        {
            if (positions[b] >= kv[b].Capacity || positions[b] >= model.MaxContext)
            {
                throw new EngineException($"sequence of {positions[b] + 1} tokens exceeds the KV cache capacity of {Math.Min(kv[b].Capacity, model.MaxContext)}");
            }

            LoadEmbedding(ids[b], x.AsSpan(b * config.HiddenSize, config.HiddenSize));
        }

        int d = config.HiddenSize, q = config.QueryDim, kvDim = config.KvDim, hd = config.HeadDim, inner = config.IntermediateSize;
        int qkvWidth = q + (2 * kvDim);
        float eps = (float)config.RmsNormEps;
        RotaryEmbedding rope = model.Rope;

        fixed (float* px = x, ph = h, pqkv = qkv, pattn = attention, pgu = gateUp, pact = act, pscores = scores, plogits = logits)
        {
            for (int l = 0; l < layers.Length; l++)
            {
                LayerPointers w = layers[l];
                NormRows(rows, new ReadOnlySpan<float>(w.AttentionNorm, d), eps);
                fixed (float* bias = w.QkvBias)
                {
                    Multiply(w.Qkv, ph, rows, pqkv, bias);
                }

                for (int b = 0; b < rows; b++)
                {
                    int pos = positions[b];
                    ReadOnlySpan<float> cos = rope.Cos.AsSpan(pos * rope.HalfDim, rope.HalfDim);
                    ReadOnlySpan<float> sin = rope.Sin.AsSpan(pos * rope.HalfDim, rope.HalfDim);
                    Span<float> row = qkv.AsSpan(b * qkvWidth, qkvWidth);
                    Rope.Apply(row[..q], config.NumHeads, hd, cos, sin, rope.Layout);
                    Rope.Apply(row.Slice(q, kvDim), config.NumKvHeads, hd, cos, sin, rope.Layout);

                    // Row layout [q | k | v]: this position's K and V go into the sequence's cache, then it attends.
                    float* rowPtr = pqkv + ((nint)b * qkvWidth);
                    kv[b].Store(l, pos, rowPtr + q, rowPtr + q + kvDim);
                    kv[b].Attend(pool, shape, model.Attention, l, rowPtr, pos + 1, pattn + ((nint)b * q), pscores);
                }

                Multiply(w.Output, pattn, rows, px, accumulate: true);

                NormRows(rows, new ReadOnlySpan<float>(w.MlpNorm, d), eps);
                Multiply(w.GateUp, ph, rows, pgu);
                for (int b = 0; b < rows; b++)
                {
                    Span<float> row = gateUp.AsSpan(b * 2 * inner, 2 * inner);
                    SwiGlu.Apply(row[..inner], row[inner..], act.AsSpan(b * inner, inner));
                }

                Multiply(w.Down, pact, rows, px, accumulate: true);
            }

            // Only rows that sample a token need the LM head (the largest matrix of a small model): their normed
            // states are packed to the front of h, in row order.
            int packed = 0;
            for (int b = 0; b < rows; b++)
            {
                if (!emit[b])
                {
                    continue;
                }

                RmsNorm.Apply(x.AsSpan(b * d, d), new ReadOnlySpan<float>(finalNorm, d), h.AsSpan(packed * d, d), eps);
                packed++;
            }

            if (packed > 0)
            {
                Multiply(lmHead, ph, packed, plogits);
            }
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
    private void Multiply(in WeightMatrix w, float* input, int batch, float* output, float* bias = null, bool accumulate = false) =>
        products.Multiply(w, input, batch, output, bias, accumulate);

    /// <summary>Stops the decoder's worker threads; the weights belong to the model.</summary>
    public void Dispose() => pool.Dispose();

    // One embedding row in fp32, exactly as the matrix stores it (a quantised row dequantised by its kernel loader).
    private void LoadEmbedding(int id, Span<float> row)
    {
        fixed (float* target = row)
        {
            Gemv.DequantizeRow(embeddingMatrix, id, target);
        }
    }

    private static float[] Pinned(int length) => GC.AllocateArray<float>(length, pinned: true);

    private static float[] PinnedCopy(Tensor t)
    {
        using Tensor f = t.to(ScalarType.Float32).contiguous();
        float[] copy = Pinned((int)f.NumberOfElements);
        f.data<float>().CopyTo(copy);
        return copy;
    }


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
