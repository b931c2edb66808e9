using System.Globalization;
using Harness.Metrics;
using Harness.Reports;
using Harness.Results;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>The short per-variant table <c>run</c> prints after writing the run directory.</summary>
internal static class RunSummaryTable
{
    public static Table Build(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var table = new Table().Border(TableBorder.Simple);

        // Only runs that split some variant over ranks get the column: at TP 1 everywhere it would repeat "1".
        bool parallel = TensorParallelScaling.AnySplit(result.Variants);
        string[] tpColumn = parallel ? ["tp (decode ms/step)"] : [];
        string[] columns = ["variant", "ok/measured", "failed", "ttft p50/p99 ms", "tpot p50/p99 ms", .. tpColumn, "out tok/s", "req/s", "goodput req/s", "send late p99 ms", "p99 valid", "error"];
        foreach (string column in columns)
        {
            table.AddColumn(column);
        }

        foreach (VariantResult v in result.Variants)
        {
            VariantSummary m = v.Metrics;
            string valid = v.Validity.Count == 0 ? "-" : string.Join(' ', v.Validity.Select(x => $"{x.Metric.Replace("_ms", string.Empty, StringComparison.Ordinal)}:{(x.Valid ? "yes" : "no")}"));
            string[] tp = parallel ? [Parallel(v.TensorParallel)] : [];
            table.AddRow(
            [
                Markup.Escape(v.Name),
                $"{m.Completed}/{m.Measured}",
                m.Failed.ToString(CultureInfo.InvariantCulture),
                Pair(m.TtftMs, "F0"),
                Pair(m.TpotMs, "F1"),
                .. tp,
                Num(m.OutputTokensPerS, "F1"),
                Num(m.RequestsPerS, "F2"),
                m.GoodputRequestsPerS is double g ? Num(g, "F2") : "-",
                Num(v.GeneratorLatenessP99Ms, "F1"),
                valid,
                Markup.Escape(v.Error ?? string.Empty),
            ]);
        }

        return table;
    }

    /// <summary>"2 (12.34)": size and wall ms per decode step; "4 > 2 cores (30.10)" when ranks outnumber cores.</summary>
    private static string Parallel(TensorParallelSummary? tp) => tp is null
        ? "-"
        : $"{tp.Size}{(tp.Oversubscribed ? $" > {tp.Cores} cores" : string.Empty)} ({(tp.Decode is { } d ? Num(d.WallMsPerPass, "F2") : "-")})";

    private static string Pair(LatencySummary p, string format) => p.Count == 0 ? "-" : $"{Num(p.P50, format)} / {Num(p.P99, format)}";

    private static string Num(double x, string format) => double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
}
