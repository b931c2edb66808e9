using System.Diagnostics;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Parallel;

/// <summary>
/// One rank of the kernel decoder: its weight shard, its worker threads and its activations. A pass runs the rows
/// through every layer (Megatron-LM's split): the rank norms its own copy of the residual stream, multiplies its rows
/// of q/k/v, applies rotary, stores and attends its heads, multiplies its columns of the output projection into a
/// partial sum that the all-reduce adds into every rank's residual, then the same for the MLP (its gate/up rows, its
/// down columns). The LM head is vocabulary-parallel: each rank writes its slice of every emitted row's logits. With
/// one rank the partial sums go straight into the residual and nothing is exchanged, which is the unsplit decoder.
/// </summary>
internal sealed unsafe class DecoderRank : IDisposable
{
    private readonly LlamaModel model;
    private readonly LlamaConfig config;
    private readonly RankWeights weights;
    private readonly RankGroup? group;
    private readonly KernelThreadPool pool;
    private readonly MatrixProducts products;
    private readonly AttentionShape shape;
    private readonly HeadSlice heads;

    // Activations for up to `rows` rows, pinned once, row b for row b of the pass: x [B, d] this rank's residual stream,
    // h [B, d] normed, qkv [B, q + 2kv] (the rank's widths), attention [B, q], gateUp [B, 2i], act [B, i], scores
    // [heads, capacity] scratch for unfused attention, logits [B, vocab rows] this rank's LM-head slice (size > 1).
    private readonly float[] x, h, qkv, attention, gateUp, act, scores;
    private readonly float[]? logits;

    public RankWeights Weights => weights;

    public DecoderRank(LlamaModel model, RankWeights weights, int threads, int rows, RankGroup? group)
    {
        this.model = model;
        this.weights = weights;
        this.group = group;
        config = model.Config;
        shape = new AttentionShape(config.NumHeads, config.NumKvHeads, config.HeadDim);
        heads = weights.Shard.Heads;
        Threads = threads;
        pool = new KernelThreadPool(threads);
        products = new MatrixProducts(pool, model.Weights.Precision, config);
        int q = heads.Heads * config.HeadDim, kv = heads.KvHeads * config.HeadDim, inner = weights.Shard.Channels;
        x = Pinned(rows * config.HiddenSize);
        h = Pinned(rows * config.HiddenSize);
        qkv = Pinned(rows * (q + (2 * kv)));
        attention = Pinned(rows * q);
        gateUp = Pinned(rows * 2 * inner);
        act = Pinned(rows * inner);
        scores = Pinned(heads.Heads * model.MaxContext);
        logits = group is null ? null : Pinned(rows * weights.Shard.VocabRows);
    }

    public int Threads { get; }

    public void Run(StepRows step, ref RankClock clock)
    {
        clock.Start = Stopwatch.GetTimestamp();
        int rows = step.Count;
        int d = config.HiddenSize, hd = config.HeadDim, inner = weights.Shard.Channels;
        int q = heads.Heads * hd, kvWidth = heads.KvHeads * hd, qkvWidth = q + (2 * kvWidth);
        float eps = (float)config.RmsNormEps;
        RotaryEmbedding rope = model.Rope;
        int parity = 0;

        fixed (float* px = x, ph = h, pqkv = qkv, pattn = attention, pgu = gateUp, pact = act, pscores = scores)
        {
            Embed(step, px, ref clock);
            for (int layer = 0; layer < weights.Layers.Length; layer++)
            {
                KernelLayer w = weights.Layers[layer];
                NormRows(rows, w.AttentionNorm, eps);
                fixed (float* bias = w.QkvBias)
                {
                    products.Multiply(w.Qkv, ph, rows, pqkv, bias);
                }

                for (int b = 0; b < rows; b++)
                {
                    int pos = step.Positions[b];
                    ReadOnlySpan<float> cos = rope.Cos.AsSpan(pos * rope.HalfDim, rope.HalfDim);
                    ReadOnlySpan<float> sin = rope.Sin.AsSpan(pos * rope.HalfDim, rope.HalfDim);
                    Span<float> row = qkv.AsSpan(b * qkvWidth, qkvWidth);
                    Rope.Apply(row[..q], heads.Heads, hd, cos, sin, rope.Layout);
                    Rope.Apply(row.Slice(q, kvWidth), heads.KvHeads, hd, cos, sin, rope.Layout);

                    // Row layout [q | k | v] over this rank's heads: its K and V go into the sequence's cache (a KV head
                    // held by two ranks is written by both, with the same bits), then its query heads attend.
                    float* rowPtr = pqkv + ((nint)b * qkvWidth);
                    IKvSequence kv = step.Kv[b];
                    kv.Store(layer, pos, rowPtr + q, rowPtr + q + kvWidth, heads);
                    kv.Attend(pool, shape, heads, model.Attention, layer, rowPtr, pos + 1, pattn + ((nint)b * q), pscores);
                }

                RowParallel(w.Output, pattn, rows, px, ref parity, ref clock);

                NormRows(rows, w.MlpNorm, eps);
                products.Multiply(w.GateUp, ph, rows, pgu);
                for (int b = 0; b < rows; b++)
                {
                    Span<float> row = gateUp.AsSpan(b * 2 * inner, 2 * inner);
                    SwiGlu.Apply(row[..inner], row[inner..], act.AsSpan(b * inner, inner));
                }

                RowParallel(w.Down, pact, rows, px, ref parity, ref clock);
            }

            LmHead(step, px, ph, eps, ref clock);
        }

        clock.End = Stopwatch.GetTimestamp();
    }

    public void Dispose()
    {
        pool.Dispose();
        weights.Dispose();
    }

    // x[b] = the embedding row of ids[b]. Vocabulary-parallel: the rank holding the row dequantises it into the shared
    // exchange and every rank copies all rows from there (Megatron's masked lookup and all-reduce, with one term).
    private void Embed(StepRows step, float* px, ref RankClock clock)
    {
        int d = config.HiddenSize;
        RankShard shard = weights.Shard;
        if (group is null)
        {
            for (int b = 0; b < step.Count; b++)
            {
                Gemv.DequantizeRow(weights.Embedding, step.Ids[b], px + ((nint)b * d));
            }

            return;
        }

        fixed (float* exchange = group.Exchange)
        {
            for (int b = 0; b < step.Count; b++)
            {
                int local = step.Ids[b] - shard.FirstVocab;
                if ((uint)local < (uint)shard.VocabRows)
                {
                    Gemv.DequantizeRow(weights.Embedding, local, exchange + ((nint)b * d));
                }
            }
        }

        group.ReadExchange(px, step.Count * d, ref clock);
    }

    // x += input · Wᵀ for a row-parallel matrix: directly with one rank, else through a partial sum and the all-reduce.
    // Quantised activations are scaled by the whole row's maximum (one more small all-reduce), so every rank rounds its
    // columns exactly as the unsplit model does; scaling each rank's columns by their own maximum (a per-shard scale)
    // moved stories260K's logits by 0.8-3.5 at tp 2 under int8-dynamic. What remains is the order of float additions in
    // the split sums, which can still move a later activation across a rounding boundary now and then.
    private void RowParallel(in WeightMatrix w, float* input, int rows, float* px, ref int parity, ref RankClock clock)
    {
        if (group is null)
        {
            products.Multiply(w, input, rows, px, accumulate: true);
            return;
        }

        float* partial = group.Partial(weights.Shard.Rank, parity);
        if (products.QuantizesInput(w))
        {
            Span<float> absMax = stackalloc float[rows];
            for (int b = 0; b < rows; b++)
            {
                absMax[b] = QuantizedActivations.MaxAbs(input + ((nint)b * w.Cols), w.Cols);
            }

            group.AllReduceMax(weights.Shard.Rank, parity, absMax, ref clock);
            products.Multiply(w, input, rows, partial, absMax: absMax);
        }
        else
        {
            products.Multiply(w, input, rows, partial);
        }

        group.AllReduceAdd(parity, px, rows * config.HiddenSize, ref clock);
        parity ^= 1;
    }

    // Only rows that sample a token need the LM head (the largest matrix of a small model): their normed states are
    // packed to the front of h, in row order. A rank's logits slice is copied into each emitted row (the all-gather).
    private void LmHead(StepRows step, float* px, float* ph, float eps, ref RankClock clock)
    {
        int d = config.HiddenSize;
        int packed = 0;
        ReadOnlySpan<float> norm = new(weights.FinalNorm, d);
        for (int b = 0; b < step.Count; b++)
        {
            if (step.Emit[b])
            {
                RmsNorm.Apply(new ReadOnlySpan<float>(px + ((nint)b * d), d), norm, new Span<float>(ph + ((nint)packed * d), d), eps);
                packed++;
            }
        }

        if (packed == 0)
        {
            return;
        }

        if (logits is null)
        {
            products.Multiply(weights.LmHead, ph, packed, step.Logits);
            return;
        }

        int vocab = config.VocabSize, slice = weights.Shard.VocabRows;
        fixed (float* shard = logits)
        {
            products.Multiply(weights.LmHead, ph, packed, shard);
            long t0 = Stopwatch.GetTimestamp();
            for (int e = 0; e < packed; e++)
            {
                new ReadOnlySpan<float>(shard + ((nint)e * slice), slice).CopyTo(new Span<float>(step.Logits + ((nint)e * vocab) + weights.Shard.FirstVocab, slice));
            }

            clock.Communication += Stopwatch.GetTimestamp() - t0;
        }
    }

    // h[b] = RMSNorm(x[b]) · weight for every row.
    private void NormRows(int rows, float* weight, float eps)
    {
        int d = config.HiddenSize;
        var w = new ReadOnlySpan<float>(weight, d);
        for (int b = 0; b < rows; b++)
        {
            RmsNorm.Apply(x.AsSpan(b * d, d), w, h.AsSpan(b * d, d), eps);
        }
    }

    private static float[] Pinned(int length) => GC.AllocateArray<float>(length, pinned: true);
}
