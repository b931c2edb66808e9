using Harness.Engines;
using Harness.Metrics;
using Harness.Results;

namespace Harness.Runner;

/// <summary>Maps a variant's summary, memory, KV cache and tensor-parallel figures and validity verdicts onto the result-file record.</summary>
internal static class VariantResults
{
    public static VariantResult From(
        string name,
        IReadOnlyDictionary<string, string> config,
        string loadPoint,
        VariantSummary summary,
        EngineMemory? memory,
        double latenessP99Ms,
        IReadOnlyList<EarlyStoppingVerdict> verdicts,
        string? error = null,
        KvCacheSummary? kv = null,
        TensorParallelSummary? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var metrics = new VariantMetrics(
            ToPercentiles(summary.TtftMs),
            ToPercentiles(summary.TpotMs),
            ToPercentiles(summary.ItlMs),
            ToPercentiles(summary.E2eMs),
            ToPercentiles(summary.QueueWaitMs),
            summary.OutputTokensPerSecond,
            summary.TotalTokensPerSecond,
            summary.RequestsPerSecond,
            summary.GoodputRequestsPerSecond,
            summary.SloAttainment,
            summary.Measured,
            summary.Completed,
            summary.Failed,
            summary.Warmup,
            summary.DurationSeconds,
            ToPercentiles(summary.TpotInclFirstMs));
        return new VariantResult(name, config, loadPoint, metrics, ToMemory(memory), latenessP99Ms, [.. verdicts.Select(ToValidity)], error, kv is null ? null : ToKv(kv), TensorParallel: parallel is null ? null : ToTensorParallel(parallel));
    }

    /// <summary>A variant whose engine could not be built: no measurements, the reason in <see cref="VariantResult.Error"/>.</summary>
    public static VariantResult Failed(string name, IReadOnlyDictionary<string, string> config, string loadPoint, string error) =>
        From(name, config, loadPoint, VariantSummary.Compute(name, []), null, 0, [], error);

    public static Percentiles ToPercentiles(LatencySummary s) =>
        new(s.Count, s.P50Ms, s.P90Ms, s.P95Ms, s.P99Ms, s.MaxMs, s.MeanMs, s.StdMs);

    /// <summary>Without an SLO the verdict is a sample-count check against the measured percentile, so no bound is claimed.</summary>
    public static ValidityResult ToValidity(EarlyStoppingVerdict v) =>
        new(v.Metric, v.Percentile, v.BoundIsSlo ? v.BoundMs : null, v.Samples, v.Overlatency, v.MinimumSamples, v.Valid, v.ConservativeEstimateMs);

    public static VariantKvMemory ToKv(KvCacheSummary k)
    {
        ArgumentNullException.ThrowIfNull(k);
        return new(k.KvLayout, k.BlockSize, k.BytesPerToken, k.CapacityBytes, k.PeakUsedBytes, k.PeakAllocatedBytes, k.WastePercent, k.WastePercentAtPeak, k.Preemptions, k.PrefixCacheHitRate, k.Steps, k.MeanDecodeBatch);
    }

    public static VariantTensorParallel ToTensorParallel(TensorParallelSummary p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(
            p.Size,
            p.Cores,
            p.Vocabulary,
            p.Oversubscribed,
            [.. p.Ranks.Select(r => new TensorParallelRank(r.Rank, r.Threads, r.Heads, r.KvHeads, r.IntermediateColumns, r.VocabularyRows, r.WeightBytes, r.KvBytesPerToken))],
            ToPhase(p.Decode),
            ToPhase(p.Prefill));
    }

    private static TensorParallelPhase? ToPhase(TensorParallelPhaseSummary? s) => s is null
        ? null
        : new(s.Passes, s.Rows, s.WallMsPerPass, [.. s.Ranks.Select(r => new TensorParallelRankTimes(r.ComputeMs, r.CommunicationMs, r.IdleMs))], s.AllReducesPerPass, s.AllReduceBytesPerPass, s.GatherBytesPerPass, s.ImbalancePercent);

    private static VariantMemory ToMemory(EngineMemory? m) =>
        m is null ? new VariantMemory(0, 0, 0, 0) : new VariantMemory(m.WeightsBytes, m.KvCacheReservedBytes, m.KvCachePeakBytes, m.PeakRssBytes);
}
