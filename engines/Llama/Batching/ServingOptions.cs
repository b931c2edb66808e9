using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// The serving options of the Llama engine: batching policy and KV memory, part of <see cref="LlamaOptions"/>.
/// </summary>
/// <param name="Batching">none, static or continuous.</param>
/// <param name="MaxBatch">Most sequences holding KV at once.</param>
/// <param name="Layout">kv_layout: contiguous (default) or paged.</param>
/// <param name="BlockSize">block_size: positions per KV block (paged; default 16 as in vLLM; ignored when contiguous).</param>
/// <param name="KvBudgetBytes">kv_budget_bytes: KV memory allowed; 0 = max_batch whole contexts.</param>
/// <param name="PrefixCache">prefix_cache: on/off (paged only).</param>
/// <param name="MaxBatchedTokens">max_batched_tokens: positions one continuous step computes; 0 = prompts are not split
/// (other modes always prefill whole prompts and ignore it).</param>
/// <param name="BatchWait">batch_wait_ms: how long a static batch waits for more requests.</param>
public sealed record ServingOptions(
    BatchingMode Batching,
    int MaxBatch,
    KvLayout Layout,
    int BlockSize,
    long KvBudgetBytes,
    bool PrefixCache,
    int MaxBatchedTokens,
    TimeSpan BatchWait)
{
    public const int DefaultBlockSize = 16;

    /// <summary>Extra decode rows a continuous step may run to recompute a preempted sequence's generated positions.</summary>
    public const int RecomputeRows = 8;

    /// <summary>How long a static batch waits for more requests after its first, unless set.</summary>
    public static readonly TimeSpan DefaultBatchWait = TimeSpan.FromMilliseconds(50);

    public static ServingOptions Default { get; } = new(BatchingMode.None, 1, KvLayout.Contiguous, DefaultBlockSize, 0, false, 0, DefaultBatchWait);

    /// <summary>Rows one decode pass may carry: the batch, plus room to recompute under continuous batching.</summary>
    public int DecodeRows => Batching switch
    {
        BatchingMode.None => 1,
        BatchingMode.Continuous => MaxBatch + RecomputeRows,
        _ => MaxBatch,
    };

    /// <summary>The serving options as given, normalised (without batching one sequence runs at a time, and only continuous batching splits prompts) and checked.</summary>
    /// <exception cref="EngineException">Options that do not go together (one line).</exception>
    public static ServingOptions Create(BatchingMode batching, int maxBatch, KvLayout layout, int blockSize, long kvBudgetBytes, bool prefixCache, int maxBatchedTokens, TimeSpan batchWait)
    {
        if (maxBatch < 1 || blockSize < 1 || kvBudgetBytes < 0 || maxBatchedTokens < 0)
        {
            throw new EngineException($"max_batch and block_size must be at least 1, kv_budget_bytes and max_batched_tokens at least 0 (got {maxBatch}, {blockSize}, {kvBudgetBytes}, {maxBatchedTokens})");
        }

        if (prefixCache && layout != KvLayout.Paged)
        {
            throw new EngineException("prefix_cache needs kv_layout: paged");
        }

        // block_size and max_batched_tokens only mean something for paged KV and continuous batching; the others accept
        // and ignore them, so one scenario matrix can set them once across layouts and modes.
        int maxBatched = batching == BatchingMode.Continuous ? maxBatchedTokens : 0;
        if (maxBatched > 0 && maxBatched < maxBatch)
        {
            throw new EngineException($"max_batched_tokens ({maxBatched}) must be at least max_batch ({maxBatch}): every running sequence needs a decode row per step");
        }

        return new ServingOptions(batching, batching == BatchingMode.None ? 1 : maxBatch, layout, blockSize, kvBudgetBytes, prefixCache, maxBatched, batchWait);
    }

    /// <summary>Checks the options against the model's decode setup (paged KV runs through the fused kernels).</summary>
    public void CheckAgainst(AttentionKind attention, DecodePath decode)
    {
        if (Layout != KvLayout.Paged)
        {
            return;
        }

        if (decode != DecodePath.Kernels)
        {
            throw new EngineException("kv_layout: paged needs the kernel decode path (decode: kernels)");
        }

        if (attention != AttentionKind.Fused)
        {
            throw new EngineException("kv_layout: paged runs fused attention only (attention: fused)");
        }
    }
}
