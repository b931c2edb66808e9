using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Parallel;

/// <summary>
/// One rank's weight shard in the model's stored form: its rows of the column-parallel matrices (q/k/v, gate/up, the
/// vocabulary-parallel LM head and embedding) and its columns of the row-parallel ones (attention output, down), each
/// copied into tensors of its own so a rank holds only what it reads. Norm weights are shared, as every rank applies
/// them to its own copy of the residual stream. At size 1 the shard is the whole model, held by aliases (no copy).
/// </summary>
public sealed unsafe class RankWeights : IDisposable
{
    private readonly List<Tensor> owned = [];

    public RankWeights(LlamaWeights weights, RankShard shard)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(shard);
        Shard = shard;
        LlamaConfig c = weights.Config;
        int hd = c.HeadDim, q = c.QueryDim, kv = c.KvDim, inner = c.IntermediateSize;
        HeadSlice heads = shard.Heads;
        (int, int) queryRows = (heads.FirstHead * hd, heads.Heads * hd);
        (int, int) keyRows = (q + (heads.FirstKvHead * hd), heads.KvHeads * hd);
        (int, int) valueRows = (q + kv + (heads.FirstKvHead * hd), heads.KvHeads * hd);
        (int, int) gateRows = (shard.FirstChannel, shard.Channels);
        (int, int) upRows = (inner + shard.FirstChannel, shard.Channels);
        (int, int) vocabRows = (shard.FirstVocab, shard.VocabRows);
        GroupSize = weights.GroupSize;
        using var noGrad = torch.no_grad();

        Layers = new KernelLayer[c.NumLayers];
        for (int i = 0; i < Layers.Length; i++)
        {
            LayerWeights l = weights.Layers[i];
            float[]? bias = null;
            if (l.QkvBias is not null)
            {
                using Tensor b = Rows(l.QkvBias, queryRows, keyRows, valueRows);
                using Tensor f = b.to(ScalarType.Float32).contiguous();
                bias = GC.AllocateArray<float>((int)f.NumberOfElements, pinned: true);
                f.data<float>().CopyTo(bias);
            }

            Layers[i] = new KernelLayer(
                Matrix(Rows(l.Qkv, queryRows, keyRows, valueRows), Scales(l.QkvScale, queryRows, keyRows, valueRows), c.HiddenSize),
                bias,
                Matrix(Columns(l.Output, heads.FirstHead * hd, heads.Heads * hd, q), Shared(l.OutputScale), heads.Heads * hd),
                Matrix(Rows(l.GateUp, gateRows, upRows), Scales(l.GateUpScale, gateRows, upRows), c.HiddenSize),
                Matrix(Columns(l.Down, shard.FirstChannel, shard.Channels, inner), Shared(l.DownScale), shard.Channels),
                TensorMemory.Floats(l.AttentionNorm),
                TensorMemory.Floats(l.MlpNorm));
        }

        LmHead = Matrix(Rows(weights.LmHead, vocabRows), Scales(weights.LmHeadScale, vocabRows), c.HiddenSize);
        Embedding = ReferenceEquals(weights.Embedding, weights.LmHead)
            ? LmHead
            : Matrix(Rows(weights.Embedding, vocabRows), Scales(weights.EmbeddingScale, vocabRows), c.HiddenSize);
        FinalNorm = TensorMemory.Floats(weights.FinalNorm);
        long norms = (long)c.HiddenSize * sizeof(float) * ((2 * c.NumLayers) + 1);
        long biases = Layers.Sum(l => (long)(l.QkvBias?.Length ?? 0) * sizeof(float));
        Bytes = owned.Sum(t => t.NumberOfElements * t.ElementSize) + biases + norms;
    }

    public RankShard Shard { get; }

    /// <summary>Int4: columns per scale group; else 0.</summary>
    public int GroupSize { get; }

    public KernelLayer[] Layers { get; }

    /// <summary>The rank's LM head rows [vocab rows, d].</summary>
    public WeightMatrix LmHead { get; }

    /// <summary>The rank's embedding rows [vocab rows, d] (the LM head's when tied).</summary>
    public WeightMatrix Embedding { get; }

    /// <summary>[d] fp32, shared by every rank (the model's tensor).</summary>
    public float* FinalNorm { get; }

    /// <summary>Bytes the rank holds: its matrices, scales and biases (in fp32), and the norm weights every rank applies.</summary>
    public long Bytes { get; }

    public void Dispose()
    {
        foreach (Tensor t in owned)
        {
            t.Dispose();
        }

        owned.Clear();
    }

    private WeightMatrix Matrix(Tensor weight, Tensor? scales, int cols) => KernelMatrix.Of(Own(weight), scales is null ? null : Own(scales), cols, GroupSize);

    private Tensor Own(Tensor t)
    {
        if (!owned.Contains(t))
        {
            owned.Add(t);
        }

        return t;
    }

    // The listed row ranges, in order, as one contiguous tensor of the rank's own (an alias when they are the whole).
    private Tensor Rows(Tensor t, params (int Start, int Count)[] ranges)
    {
        if (Shard.Whole)
        {
            return t.alias();
        }

        Tensor[] parts = [.. ranges.Select(r => t.narrow(0, r.Start, r.Count))];
        Tensor rows = parts.Length == 1 ? parts[0].clone() : torch.cat(parts, 0);
        foreach (Tensor p in parts)
        {
            p.Dispose();
        }

        return rows;
    }

    private Tensor? Scales(Tensor? scales, params (int Start, int Count)[] ranges) => scales is null ? null : Rows(scales, ranges);

    // Row scales of a row-parallel matrix: every row keeps its scale, whichever columns a rank holds.
    private static Tensor? Shared(Tensor? scales) => scales?.alias();

    // Columns [first, first + count) of a [rows, cols] matrix (int4: the whole groups that hold them) as a contiguous copy.
    private Tensor Columns(Tensor t, int first, int count, int cols)
    {
        if (Shard.Whole)
        {
            return t.alias();
        }

        long start = first, width = count;
        if (t.dtype == ScalarType.Byte)
        {
            // Int4 rows are groups of packed nibbles with their scale; the shard plan puts `first` on a group boundary.
            int groupBytes = Int4Layout.GroupBytes(GroupSize);
            start = (long)(first / GroupSize) * groupBytes;
            width = Int4Layout.RowBytes(first + count, GroupSize) - start;
            if (first + count < cols && (first + count) % GroupSize != 0)
            {
                throw new EngineException($"int4 columns [{first}, {first + count}) do not end on a group of {GroupSize}");
            }
        }

        using Tensor view = t.narrow(1, start, width);
        return view.contiguous().clone();
    }
}
