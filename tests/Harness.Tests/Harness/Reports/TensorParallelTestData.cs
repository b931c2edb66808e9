using Harness.Engines;
using Harness.Metrics;
using Harness.Results;

namespace Harness.Tests.Harness.Reports;

/// <summary>Tensor-parallel objects with figures chosen by hand, for the scaling, report and result-file tests.</summary>
internal static class TensorParallelTestData
{
    /// <summary>
    /// A profile of <paramref name="size"/> ranks on <paramref name="cores"/> cores whose decode step takes
    /// <paramref name="decodeMs"/> wall ms: rank r computes (0.75 - 0.1 r) of it, communicates 0.1 and idles the rest
    /// (imbalance 20/3 % per rank beyond the first). 9 query heads dealt out in rank order (5/4 at TP 2), weights
    /// 512 MiB / size per rank, KV 18432 / size bytes per token; 100 steps of 2 rows, 25 all-reduces of 8 KiB each.
    /// </summary>
    public static TensorParallelSummary Profile(int size, int cores, double decodeMs, TensorParallelPhaseSummary? prefill = null) => new(
        size,
        cores,
        size == 1 ? "replicated" : "vocab-parallel",
        size > cores,
        [.. Enumerable.Range(0, size).Select(r => new RankShardInfo(r, 1, (9 / size) + (r < 9 % size ? 1 : 0), size == 1 ? 3 : size == 2 ? 2 : 1, 1536 / size, 49152 / size, (512L << 20) / size, 18432 / size))],
        new TensorParallelPhaseSummary(
            100,
            200,
            decodeMs,
            [.. Enumerable.Range(0, size).Select(r => new RankPassTimes((0.75 - (0.1 * r)) * decodeMs, 0.1 * decodeMs, (0.15 + (0.1 * r)) * decodeMs))],
            25,
            25 * 8192,
            size == 1 ? 0 : 196_608,
            20.0 / 3 * (size - 1)),
        prefill);

    /// <summary>A variant of <paramref name="template"/> with these options, profile and TPOT p50.</summary>
    public static VariantResult Variant(VariantResult template, string name, IReadOnlyDictionary<string, string> config, TensorParallelSummary? tp, double tpotP50Ms, string? loadPoint = null) =>
        template with
        {
            Name = name,
            Config = config,
            LoadPoint = loadPoint ?? template.LoadPoint,
            Metrics = template.Metrics with { TpotMs = template.Metrics.TpotMs with { P50 = tpotP50Ms } },
            TensorParallel = tp,
        };
}
