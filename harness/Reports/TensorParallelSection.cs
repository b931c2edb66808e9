using Harness.Engines;
using Harness.Metrics;
using Harness.Reports.Document;
using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// The report's tensor-parallelism section, present only when some variant ran split over more than one rank
/// (<see cref="TensorParallelScaling.AnySplit"/>): how each variant was split, where a decode step's and a prefill
/// chunk's time went on its ranks, and its speedup and efficiency against the TP 1 variant with the same other options.
/// </summary>
internal static class TensorParallelSection
{
    public const string Heading = "Tensor parallelism";

    public static ReportSection Build(IReadOnlyList<VariantResult> variants, ChartFile? chart)
    {
        ArgumentNullException.ThrowIfNull(variants);
        List<(string Name, TensorParallelSummary Tp)> profiled = [.. variants.Where(v => v.TensorParallel is not null).Select(v => (v.Name, v.TensorParallel!))];
        var blocks = new List<ReportBlock>();
        foreach ((string name, TensorParallelSummary tp) in profiled.Where(p => p.Tp.Oversubscribed))
        {
            blocks.Add(new WarningBlock($"{name} runs tp {tp.Size} on {tp.Cores} cores: its ranks share cores and take turns instead of running at once, so its timings show the cost of the split, not its speedup."));
        }

        if (profiled.Count == 0)
        {
            blocks.Add(new TextBlock("No variant has tensor-parallel figures (the engine reported no profile for a measured load run)."));
            return new ReportSection(Heading, blocks);
        }

        blocks.Add(new TextBlock(
            "From the engine's own tensor-parallel profile over the measured load runs (warm-up excluded). "
            + "Per rank, where the figures differ between ranks, they are listed in rank order (e.g. heads 5/4); weights and KV bytes give the largest rank's."));
        blocks.Add(ReportBuilder.Table(
            ["variant", "vocabulary", "TP", "cores", "threads per rank", "heads per rank", "KV heads per rank", "MLP columns per rank", "vocabulary rows per rank", "weights per rank (MiB, max)", "KV bytes/token per rank (max)"],
            profiled.Select(p => ReportBuilder.Row(
                p.Name,
                p.Tp.Vocabulary,
                ReportFormat.Integer(p.Tp.Size),
                ReportFormat.Integer(p.Tp.Cores),
                PerRank(p.Tp, r => r.Threads),
                PerRank(p.Tp, r => r.Heads),
                PerRank(p.Tp, r => r.KvHeads),
                PerRank(p.Tp, r => r.IntermediateColumns),
                PerRank(p.Tp, r => r.VocabularyRows),
                ReportFormat.MiB(p.Tp.Ranks.Count > 0 ? p.Tp.Ranks.Max(r => r.WeightBytes) : 0),
                ReportFormat.Integer(p.Tp.Ranks.Count > 0 ? p.Tp.Ranks.Max(r => r.KvBytesPerToken) : 0))),
            numericFrom: 2));

        blocks.Add(new TextBlock("Decode, per step (one forward pass over the running batch; rows per step is the mean batch). Times in ms; compute is the mean over ranks and the slowest rank's; imbalance = (slowest - mean compute) / slowest."));
        blocks.Add(PhaseTable(profiled.Select(p => (p.Name, p.Tp.Size, p.Tp.Decode)), "rows per step", tokensPerSecond: false));
        List<(string, int, TensorParallelPhaseSummary?)> prefilled = [.. profiled.Where(p => p.Tp.Prefill is not null).Select(p => (p.Name, p.Tp.Size, p.Tp.Prefill))];
        blocks.Add(new TextBlock("Prefill, per chunk (one forward pass over a chunk of prompt tokens); tokens/s = prompt tokens / the chunks' wall time."));
        blocks.Add(prefilled.Count == 0
            ? new TextBlock("No variant ran a prefill chunk through the sharded forward.")
            : PhaseTable(prefilled, "tokens per chunk", tokensPerSecond: true));

        blocks.Add(new TextBlock("Each rank's mean time per pass (ms): its own compute, communication (summing all-reduce partials, copying its logits out) and idle time waiting at collectives for slower ranks."));
        blocks.Add(ReportBuilder.Table(
            ["variant", "rank", "decode compute", "decode communication", "decode idle", "prefill compute", "prefill communication", "prefill idle"],
            profiled.SelectMany(p => p.Tp.Ranks.Select((shard, i) => ReportBuilder.Row(
                [p.Name, ReportFormat.Integer(shard.Rank), .. RankCells(p.Tp.Decode, i), .. RankCells(p.Tp.Prefill, i)])))));

        blocks.Add(new TextBlock(
            "Scaling against TP 1: speedup = the TP 1 variant's time / this variant's, efficiency = speedup / TP (100 % is perfect scaling). "
            + "The TP 1 variant is the one with every other option equal, at the same load point. Per-step times compare like with like only at equal batches (rows per step above); TPOT p50 is per sequence under the run's load."));
        blocks.Add(ReportBuilder.Table(
            ["variant", "TP 1 variant", "TP", "decode ms/step", "decode speedup", "decode efficiency", "TPOT p50 (ms)", "TPOT speedup", "TPOT efficiency"],
            TensorParallelScaling.Rows(variants).Select(r => ReportBuilder.Row(
                r.Variant,
                r.Baseline ?? "none: no TP 1 variant with the same other options and load",
                ReportFormat.Integer(r.Size),
                ReportFormat.FineMs(r.DecodeMsPerStep),
                ReportFormat.Ratio(r.DecodeSpeedup),
                ReportFormat.Percent(r.DecodeEfficiency),
                ReportFormat.Ms(r.TpotP50Ms),
                ReportFormat.Ratio(r.TpotSpeedup),
                ReportFormat.Percent(r.TpotEfficiency))),
            numericFrom: 2));

        if (chart is not null)
        {
            blocks.Add(new ChartBlock(chart));
        }

        return new ReportSection(Heading, blocks);
    }

    private static TableBlock PhaseTable(IEnumerable<(string Name, int Size, TensorParallelPhaseSummary? Phase)> rows, string rowsHeader, bool tokensPerSecond)
    {
        List<string> headers = ["variant", "TP", "passes", rowsHeader, "wall ms", .. tokensPerSecond ? new[] { "tokens/s" } : [], "compute (mean)", "compute (slowest)", "communication (mean)", "idle (mean)", "all-reduces", "all-reduce KiB", "gather KiB", "imbalance"];
        return ReportBuilder.Table(headers, rows.Select(r =>
        {
            TensorParallelPhaseSummary? p = r.Phase;
            if (p is null)
            {
                return ReportBuilder.Row([r.Name, ReportFormat.Integer(r.Size), "0", .. Enumerable.Repeat(ReportFormat.NotAvailable, headers.Count - 3)]);
            }

            IEnumerable<string> rate = tokensPerSecond ? [ReportFormat.Rate(p.RowsPerSecond)] : [];
            double? Mean(Func<RankPassTimes, double> part) => p.Ranks.Count > 0 ? p.Ranks.Average(part) : null;
            return ReportBuilder.Row(
            [
                r.Name,
                ReportFormat.Integer(r.Size),
                ReportFormat.Integer(p.Passes),
                ReportFormat.Average(p.RowsPerPass),
                ReportFormat.FineMs(p.WallMsPerPass),
                .. rate,
                ReportFormat.FineMs(Mean(t => t.ComputeMs)),
                ReportFormat.FineMs(p.Ranks.Count > 0 ? p.Ranks.Max(t => t.ComputeMs) : null),
                ReportFormat.FineMs(Mean(t => t.CommunicationMs)),
                ReportFormat.FineMs(Mean(t => t.IdleMs)),
                ReportFormat.Number(p.AllReducesPerPass),
                ReportFormat.KiB(p.AllReduceBytesPerPass),
                ReportFormat.KiB(p.GatherBytesPerPass),
                ReportFormat.Percent(p.ImbalancePercent / 100),
            ]);
        }));
    }

    private static string[] RankCells(TensorParallelPhaseSummary? phase, int rank) =>
        phase is null || rank >= phase.Ranks.Count
            ? [ReportFormat.NotAvailable, ReportFormat.NotAvailable, ReportFormat.NotAvailable]
            : [ReportFormat.FineMs(phase.Ranks[rank].ComputeMs), ReportFormat.FineMs(phase.Ranks[rank].CommunicationMs), ReportFormat.FineMs(phase.Ranks[rank].IdleMs)];

    /// <summary>One value when every rank has it, else each rank's in rank order ("5/4").</summary>
    private static string PerRank(TensorParallelSummary tp, Func<RankShardInfo, int> figure)
    {
        List<int> values = [.. tp.Ranks.Select(figure)];
        return values.Count == 0 ? ReportFormat.NotAvailable
            : values.Distinct().Count() == 1 ? ReportFormat.Integer(values[0])
            : string.Join('/', values.Select(v => ReportFormat.Integer(v)));
    }
}
