using System.Globalization;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// The serving options of the Llama engine: batching policy and KV memory. Parsed from <see cref="EngineOptions"/>
/// (batching and max_batch are typed there; the rest travel in its Extra map, as scenario files spell them).
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

    /// <exception cref="EngineException">An option is malformed or does not go with the others (one line).</exception>
    public static ServingOptions Parse(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        BatchingMode batching = BatchingModeNames.Parse(options.Batching);
        if (options.MaxBatch < 1)
        {
            throw new EngineException($"max batch must be at least 1, got {options.MaxBatch}");
        }

        IReadOnlyDictionary<string, string> extra = options.Extra ?? new Dictionary<string, string>();
        string? layoutText = extra.GetValueOrDefault("kv_layout");
        KvLayout layout = layoutText switch
        {
            null or "contiguous" => KvLayout.Contiguous,
            "paged" => KvLayout.Paged,
            _ => throw new EngineException($"unknown kv_layout '{layoutText}' (supported: contiguous, paged)"),
        };

        bool paged = layout == KvLayout.Paged;
        // block_size and max_batched_tokens only mean something for paged KV and continuous batching; the others accept
        // and ignore them, so one scenario matrix can set them once across layouts and modes.
        int blockSize = extra.TryGetValue("block_size", out string? b) ? Positive("block_size", b) : DefaultBlockSize;
        bool prefix = extra.TryGetValue("prefix_cache", out string? p) && Switch("prefix_cache", p);
        if (prefix && !paged)
        {
            throw new EngineException("prefix_cache needs kv_layout: paged");
        }
        long budget = extra.TryGetValue("kv_budget_bytes", out string? k) ? Bytes("kv_budget_bytes", k) : 0;
        int maxBatched = extra.TryGetValue("max_batched_tokens", out string? m) ? Positive("max_batched_tokens", m) : 0;
        if (batching != BatchingMode.Continuous)
        {
            maxBatched = 0;
        }

        if (maxBatched > 0 && maxBatched < options.MaxBatch)
        {
            throw new EngineException($"max_batched_tokens ({maxBatched}) must be at least max_batch ({options.MaxBatch}): every running sequence needs a decode row per step");
        }

        TimeSpan wait = extra.TryGetValue("batch_wait_ms", out string? w) ? Milliseconds("batch_wait_ms", w) : DefaultBatchWait;
        int maxBatch = batching == BatchingMode.None ? 1 : options.MaxBatch;
        return new ServingOptions(batching, maxBatch, layout, blockSize, budget, prefix, maxBatched, wait);
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

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new EngineException($"{name} must be a positive integer, got '{text}'");

    private static bool Switch(string name, string text) => text.ToLowerInvariant() switch
    {
        "on" or "true" => true,
        "off" or "false" => false,
        _ => throw new EngineException($"{name} must be on or off, got '{text}'"),
    };

    // Bytes as an integer, or with a KiB/MiB/GiB suffix ("256MiB").
    private static long Bytes(string name, string text)
    {
        string t = text.Trim();
        long unit = 1;
        foreach ((string suffix, long size) in new[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10) })
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                unit = size;
                t = t[..^suffix.Length].Trim();
                break;
            }
        }

        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0 && v <= long.MaxValue / unit
            ? v * unit
            : throw new EngineException($"{name} must be a positive number of bytes (optionally with KiB, MiB or GiB), got '{text}'");
    }

    private static TimeSpan Milliseconds(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0 && double.IsFinite(ms)
            ? TimeSpan.FromMilliseconds(ms)
            : throw new EngineException($"{name} must be a non-negative number of milliseconds, got '{text}'");
}
