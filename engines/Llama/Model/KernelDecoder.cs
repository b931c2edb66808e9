using System.Diagnostics;
using System.Runtime.InteropServices;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Parallel;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// Decode with the project's SIMD kernels for a batch of rows (one new token each, every sequence at its own position
/// in its own KV cache), optionally split over tensor-parallel ranks. Decode is a stream over every weight once per
/// step, so what matters is reaching DRAM bandwidth: every matrix goes through <see cref="Gemv"/> once for the whole
/// batch (up to <see cref="Gemv.MaxBatch"/> vectors per pass), and the per-sequence ops (norms, rotary, attention over
/// its own cache) stay on the rank's thread or split by heads. A sequence's logits do not depend on which batch it came
/// in: the GEMV sums every vector in the same order, so batched decode reproduces single-stream decode exactly.
/// </summary>
/// <remarks>
/// Tensor parallelism (Megatron-LM's split, see <see cref="ShardPlan"/> and <see cref="DecoderRank"/>): each rank is a
/// worker thread with its own weight shard and its own share of the cores, the caller being rank 0. Ranks meet at two
/// all-reduces per layer and at the vocabulary-parallel embedding, over shared memory (<see cref="RankGroup"/>). With
/// size 1 the single rank runs on the caller over the model's own tensors and nothing is exchanged.
/// </remarks>
public sealed unsafe class KernelDecoder : IDecodeStep
{
    private readonly LlamaModel model;
    private readonly LlamaConfig config;
    private readonly DecoderRank[] ranks;
    private readonly RankGroup? group;
    private readonly KernelThreadPool? rankThreads;
    private readonly StepRows step;
    private readonly RankClock[] clocks;
    private readonly PhaseCounters decode, prefill;
    private readonly object countersGate = new();
    private readonly int cores;
    private GCHandle self;

    // The first failure of a rank in the current pass (the other ranks then fail too, released from their collective).
    private Exception? rankFailure;

    /// <param name="threads">Cores for the whole decoder; each rank gets an even share (at least one thread).</param>
    /// <param name="maxBatch">Most rows (sequences, or positions being recomputed) one <see cref="Forward"/> takes.</param>
    /// <param name="tensorParallel">Ranks to split the model over.</param>
    public KernelDecoder(LlamaModel model, int threads, int maxBatch = 1, int tensorParallel = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        this.model = model;
        config = model.Config;
        cores = threads;
        MaxBatch = maxBatch;

        // Prefill and scoring run prompts in chunks of at least a full GEMV pass.
        MaxRows = Math.Max(maxBatch, Gemv.MaxBatch);
        IReadOnlyList<RankShard> shards = ShardPlan.Split(config, tensorParallel, model.Weights.GroupSize);
        Size = shards.Count;
        group = Size > 1 ? new RankGroup(Size, MaxRows, config.HiddenSize) : null;
        ranks = new DecoderRank[Size];
        for (int r = 0; r < Size; r++)
        {
            int share = Math.Max(1, (threads / Size) + (r < threads % Size ? 1 : 0));
            ranks[r] = new DecoderRank(model, new RankWeights(model.Weights, shards[r]), share, MaxRows, group);
        }

        rankThreads = Size > 1 ? new KernelThreadPool(Size) : null;
        step = new StepRows(MaxRows);
        clocks = new RankClock[Size];
        decode = new PhaseCounters(Size);
        prefill = new PhaseCounters(Size);
        self = GCHandle.Alloc(this);
    }

    public int MaxBatch { get; }

    /// <summary>Most rows one pass takes: <see cref="MaxBatch"/>, or a full GEMV pass for prefill chunks.</summary>
    public int MaxRows { get; }

    /// <summary>Tensor-parallel ranks.</summary>
    public int Size { get; }

    public void Decode(int id, ContiguousKvCache cache, Span<float> logits) => DecodeBatch([id], [cache], logits);

    /// <summary>
    /// One decode step for B = ids.Length sequences: token ids[b] at position caches[b].Length. Writes logits
    /// [B, vocab] (row b for sequence b) and advances every cache by one.
    /// </summary>
    public void DecodeBatch(ReadOnlySpan<int> ids, IReadOnlyList<ContiguousKvCache> caches, Span<float> logits)
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
        foreach (ContiguousKvCache cache in caches)
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
        if (ids.Length > MaxBatch)
        {
            throw new ArgumentException($"{ids.Length} rows exceed the decoder's batch of {MaxBatch}");
        }

        Run(ids, positions, kv, emit, logits, decode);
    }

    /// <summary>
    /// Runs tokens at positions kv.Length.. through the model in chunks of <see cref="MaxRows"/> rows, appending their
    /// keys and values, and advances kv.Length. Writes the last position's logits [vocab], or every position's [T, vocab]
    /// with <paramref name="allLogits"/>.
    /// </summary>
    public void Prefill(ReadOnlySpan<int> ids, IKvSequence kv, Span<float> logits, bool allLogits = false)
    {
        int vocab = config.VocabSize;
        Span<int> positions = stackalloc int[MaxRows];
        Span<bool> emit = stackalloc bool[MaxRows];
        var sequences = new IKvSequence[MaxRows];
        Array.Fill(sequences, kv);
        if (ids.Length == 0)
        {
            throw new ArgumentException("nothing to prefill", nameof(ids));
        }

        for (int start = 0; start < ids.Length; start += MaxRows)
        {
            int n = Math.Min(MaxRows, ids.Length - start);
            bool last = start + n == ids.Length;
            for (int r = 0; r < n; r++)
            {
                positions[r] = kv.Length + r;
                emit[r] = allLogits || (last && r == n - 1);
            }

            Span<float> target = allLogits ? logits.Slice(start * vocab, n * vocab) : logits[..(last ? vocab : 0)];
            Run(ids.Slice(start, n), positions[..n], new ArraySegment<IKvSequence>(sequences, 0, n), emit[..n], target, prefill);
            kv.Length += n;
        }
    }

    /// <summary>The split and the time breakdown since the previous call (the times then start again from zero).</summary>
    public TensorParallelProfile TakeProfile()
    {
        RankShardInfo[] shards = [.. ranks.Select(r => Describe(r))];
        lock (countersGate)
        {
            return new TensorParallelProfile(Size, cores, "vocab-parallel", shards, decode.Take(), prefill.Take());
        }
    }

    /// <summary>Stops every rank's worker threads; the model's weights stay with the model.</summary>
    public void Dispose()
    {
        rankThreads?.Dispose();
        foreach (DecoderRank rank in ranks)
        {
            rank.Dispose();
        }

        if (self.IsAllocated)
        {
            self.Free();
        }
    }

    private RankShardInfo Describe(DecoderRank rank)
    {
        RankShard s = rank.Weights.Shard;
        long kvPerToken = 2L * config.NumLayers * s.Heads.KvHeads * config.HeadDim * sizeof(float);
        return new RankShardInfo(s.Rank, rank.Threads, s.Heads.Heads, s.Heads.KvHeads, s.Channels, s.VocabRows, rank.Weights.Bytes, kvPerToken);
    }

    private void Run(ReadOnlySpan<int> ids, ReadOnlySpan<int> positions, IReadOnlyList<IKvSequence> kv, ReadOnlySpan<bool> emit, Span<float> logits, PhaseCounters counters)
    {
        int rows = ids.Length;
        int vocab = config.VocabSize;
        int emitted = 0;
        foreach (bool e in emit)
        {
            emitted += e ? 1 : 0;
        }

        if (rows == 0 || rows > MaxRows || kv.Count != rows || positions.Length != rows || emit.Length != rows || logits.Length < emitted * vocab)
        {
            throw new ArgumentException($"{rows} rows need {rows} positions, sequences and emit flags (got {positions.Length}, {kv.Count}, {emit.Length}) and {emitted} x {vocab} logits, at most {MaxRows} rows");
        }

        for (int b = 0; b < rows; b++)
        {
            if (positions[b] >= kv[b].Capacity || positions[b] >= model.MaxContext)
            {
                throw new EngineException($"sequence of {positions[b] + 1} tokens exceeds the KV cache capacity of {Math.Min(kv[b].Capacity, model.MaxContext)}");
            }

            if ((uint)ids[b] >= (uint)vocab)
            {
                throw new EngineException($"token id {ids[b]} is outside the vocabulary [0, {vocab})");
            }
        }

        ids.CopyTo(step.Ids);
        positions.CopyTo(step.Positions);
        emit.CopyTo(step.Emit);
        step.Kv = kv;
        step.Count = rows;
        step.Emitted = emitted;
        Array.Clear(clocks);
        group?.Reset();
        long t0 = Stopwatch.GetTimestamp();
        fixed (float* plogits = logits)
        {
            step.Logits = plogits;
            if (rankThreads is null)
            {
                ranks[0].Run(step, ref clocks[0]);
            }
            else
            {
                rankFailure = null;
                try
                {
                    rankThreads.ParallelFor(Size, 1, new RankPass(GCHandle.ToIntPtr(self)));
                }
                catch (Exception) when (rankFailure is not null)
                {
                    // Report the rank that failed, not a rank that was released from waiting for it.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(rankFailure);
                }
            }

            step.Logits = null;
        }

        long wall = Stopwatch.GetTimestamp() - t0;
        step.Kv = [];

        // Two all-reduces per layer and the embedding's, each of rows × d floats (and, where activations are quantised,
        // a max of rows floats before each row-parallel product); the logits gathered from the shards.
        int sums = Size > 1 ? (2 * config.NumLayers) + 1 : 0;
        int maxima = Size > 1 && model.Weights.Precision.QuantizesActivations() ? 2 * config.NumLayers : 0;
        int collectives = sums + maxima;
        long collectiveBytes = (((long)sums * config.HiddenSize) + maxima) * rows * sizeof(float);
        long gathered = Size > 1 ? (long)emitted * vocab * sizeof(float) : 0;
        lock (countersGate)
        {
            counters.Add(clocks, wall, rows, collectives, collectiveBytes, gathered);
        }
    }

    private void RunRank(int rank)
    {
        try
        {
            ranks[rank].Run(step, ref clocks[rank]);
        }
        catch (Exception ex)
        {
            // The other ranks may be waiting for this one at a collective.
            if (ex is not OperationCanceledException)
            {
                Interlocked.CompareExchange(ref rankFailure, ex, null);
            }

            group?.Fail();
            throw;
        }
    }

    // One rank's share of a pass, run by the rank threads (the caller is rank 0).
    private readonly struct RankPass(nint decoder) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            var self = (KernelDecoder)GCHandle.FromIntPtr(decoder).Target!;
            for (int r = start; r < end; r++)
            {
                self.RunRank(r);
            }
        }
    }
}
