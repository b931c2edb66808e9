using Harness.Engines.Llama.KvCache;

namespace Harness.Engines.Llama.Model;

/// <summary>One decode step: for each sequence, the token at position cache.Length in, its logits out.</summary>
public interface IDecodeStep : IDisposable
{
    /// <summary>Most rows one <see cref="DecodeBatch"/> or <see cref="Forward"/> takes.</summary>
    int MaxBatch { get; }

    void Decode(int id, ContiguousKvCache cache, Span<float> logits);

    /// <summary>ids[b] at position caches[b].Length for every b; logits is [B, vocab].</summary>
    void DecodeBatch(ReadOnlySpan<int> ids, IReadOnlyList<ContiguousKvCache> caches, Span<float> logits);

    /// <summary>
    /// Rows ids[r] at positions[r] of kv[r] (several consecutive rows may belong to one sequence); logits [E, vocab]
    /// for the rows with emit[r] set. Lengths are left to the caller.
    /// </summary>
    void Forward(ReadOnlySpan<int> ids, ReadOnlySpan<int> positions, IReadOnlyList<IKvSequence> kv, ReadOnlySpan<bool> emit, Span<float> logits);

    /// <summary>
    /// Runs tokens at positions kv.Length.. in chunks, appending their keys and values, and advances kv.Length; logits of
    /// the last position [vocab], or of every position [T, vocab] with <paramref name="allLogits"/>.
    /// </summary>
    void Prefill(ReadOnlySpan<int> ids, IKvSequence kv, Span<float> logits, bool allLogits = false);

    /// <summary>The tensor-parallel split and where the time went since the previous call.</summary>
    TensorParallelProfile TakeProfile();
}

/// <summary>Builds a decode step over a model's weights.</summary>
public interface IDecodeStepFactory
{
    IDecodeStep Create(LlamaModel model);
}
