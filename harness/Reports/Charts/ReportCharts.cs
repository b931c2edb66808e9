using Harness.Engines;
using Harness.Metrics;
using Harness.Reports.Document;
using Harness.Results;

namespace Harness.Reports.Charts;

/// <summary>Draws every chart of a run report into <c>RUN_DIR/charts</c>.</summary>
internal static class ReportCharts
{
    /// <param name="telemetry">Per variant, the engine's events and steps; null or empty when the engine reported none.</param>
    public static ChartSet WriteAll(string runDir, RunResult result, IReadOnlyList<RequestRecord> records, IReadOnlyList<VariantTelemetry>? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(records);
        telemetry ??= [];
        ClearOldCharts(runDir);
        IReadOnlyList<VariantResult> variants = result.Variants;
        var charts = new List<ChartFile>();
        var failures = new List<string>();

        // One chart failing (a native Skia problem, an odd value) must not cost the run its report.
        void Draw(string what, Func<ChartFile> draw)
        {
            try
            {
                charts.Add(draw());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures.Add($"{what}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        // Colours follow the base variant, so the points of one sweep share a colour across charts.
        List<string> bases = [.. variants.Select(v => VariantNames.BaseName(v.Name)).Distinct(StringComparer.Ordinal)];
        int BaseColor(VariantResult v) => bases.IndexOf(VariantNames.BaseName(v.Name));
        Dictionary<string, RequestMetrics[]> completed = CompletedMetrics(variants, records);

        const string cdfCaption = "Completed measured requests; warm-up and failed requests excluded. Latency counts from the scheduled send time.";
        Draw("TTFT CDF", () => CdfChart.Write(
            runDir, "ttft_cdf", "TTFT distribution per variant", "time to first token (ms)", cdfCaption,
            [.. variants.Select((v, i) => (v.Name, i, (IReadOnlyList<double>)[.. completed[v.Name].Select(m => m.TtftMs!.Value)]))]));
        Draw("TPOT CDF", () => CdfChart.Write(
            runDir, "tpot_cdf", "TPOT distribution per variant", "time per output token, first token excluded (ms)", cdfCaption + " Requests with one output token have no TPOT.",
            [.. variants.Select((v, i) => (v.Name, i, (IReadOnlyList<double>)[.. completed[v.Name].Where(m => m.TpotMs is not null).Select(m => m.TpotMs!.Value)]))]));

        Draw("output throughput", () => VariantBarChart.Write(
            runDir, "output_throughput", "Output throughput per variant", "output tokens/s", "Output tokens of completed requests / run duration.",
            [.. variants.Select(v => (v.Name, BaseColor(v), (double?)Rate(v.Metrics.OutputTokensPerS, v)))]));
        Draw("p99 TTFT", () => VariantBarChart.Write(
            runDir, "ttft_p99", "p99 TTFT per variant", "p99 time to first token (ms)", "n/a: no completed request.",
            [.. variants.Select(v => (v.Name, BaseColor(v), Percentile99(v.Metrics.TtftMs)))]));
        Draw("p99 TPOT", () => VariantBarChart.Write(
            runDir, "tpot_p99", "p99 TPOT per variant", "p99 time per output token (ms)", "n/a: no completed request with two or more output tokens.",
            [.. variants.Select(v => (v.Name, BaseColor(v), Percentile99(v.Metrics.TpotMs)))]));
        string goodputTitle = result.Slo is null ? "Goodput per variant (no SLO set)" : "Goodput per variant";
        Draw("goodput", () => VariantBarChart.Write(
            runDir, "goodput", goodputTitle, "good requests/s (meeting every SLO)",
            result.Slo is null ? "No SLO was set, so there is no goodput (n/a)." : $"SLO: {ReportFormat.Slo(result.Slo)}.",
            [.. variants.Select(v => (v.Name, BaseColor(v), v.Metrics.GoodputRequestsPerS))]));

        const string sweepCaption = "Completed requests only. Points of one load sweep are joined in run order and labelled with their load.";
        Draw("throughput vs p99 TTFT", () => ThroughputLatencyChart.Write(
            runDir, "throughput_vs_ttft_p99", "Throughput vs p99 TTFT", "output throughput (tokens/s)", "p99 time to first token (ms)", sweepCaption,
            ThroughputLatencyChart.Series(variants, v => Rate(v.Metrics.OutputTokensPerS, v), v => Percentile99(v.Metrics.TtftMs) ?? double.NaN)));
        Draw("throughput vs p99 E2E", () => ThroughputLatencyChart.Write(
            runDir, "throughput_vs_e2e_p99", "Throughput vs p99 end-to-end latency", "completed requests/s", "p99 end-to-end latency (ms)", sweepCaption,
            ThroughputLatencyChart.Series(variants, v => Rate(v.Metrics.RequestsPerS, v), v => Percentile99(v.Metrics.E2eMs) ?? double.NaN)));

        if (variants.Any(v => v.Accuracy is not null))
        {
            DrawAccuracy(runDir, result, BaseColor, Draw);
        }

        // Drawn from result.json alone, so `report RUN_DIR` redraws it without the engine files; only when some variant
        // is split, since an engine may profile its single rank too and one rank has no collectives to show.
        List<VariantResult> parallel = [.. variants.Where(v => v.TensorParallel is not null)];
        if (parallel.Count > 0 && TensorParallelScaling.AnySplit(variants))
        {
            Draw("tensor-parallel decode time", () => TensorParallelChart.Write(runDir, [.. parallel.Select(v => (v.Name, v.TensorParallel!.Decode))]));
        }

        if (telemetry.Count > 0)
        {
            long origin = RunClock.Origin(records);
            Draw("KV cache over time", () => KvCacheChart.Write(
                runDir,
                [.. telemetry.Select(t => (KvCacheSeries.From(t, origin), ColorOf(t.Variant)))]));
        }

        int ColorOf(string variant) => bases.IndexOf(VariantNames.BaseName(variant)) is int i and >= 0 ? i : bases.Count;
        Dictionary<string, VariantTelemetry> telemetryByVariant = telemetry.ToDictionary(t => t.Variant, StringComparer.Ordinal);

        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (VariantResult v in variants)
        {
            string name = "timeline_" + VariantNames.Slug(v.Name);
            for (int k = 2; !usedNames.Add(name); k++)
            {
                name = $"timeline_{VariantNames.Slug(v.Name)}_{k}";
            }

            string fileName = name;
            IReadOnlyList<EngineRequestEvent>? events = telemetryByVariant.TryGetValue(v.Name, out VariantTelemetry? t) ? t.Events : null;
            Draw($"timeline {v.Name}", () => TimelineChart.Write(runDir, fileName, TimelineData.Build(v.Name, records, engineEvents: events)));
        }

        return new ChartSet(charts, failures);
    }

    /// <summary>File names (without extension) of the speed-vs-accuracy charts, which the report shows in its precision section.</summary>
    public static IReadOnlyList<string> AccuracyChartNames { get; } = ["speed_vs_top1", "speed_vs_kl"];

    private static void DrawAccuracy(string runDir, RunResult result, Func<VariantResult, int> color, Action<string, Func<ChartFile>> draw)
    {
        IReadOnlyList<CompressionRow> rows = CompressionComparison.Rows(result);
        Dictionary<string, VariantResult> byName = result.Variants.ToDictionary(v => v.Name, StringComparer.Ordinal);
        List<SpeedAccuracyPoint> Points(Func<VariantAccuracy, AccuracyFigure?> figure, double scale) =>
            [.. rows.Where(r => r.DecodeTokensPerS is not null && figure(r.Accuracy) is not null).Select(r =>
            {
                AccuracyFigure f = figure(r.Accuracy)!;
                return new SpeedAccuracyPoint(r.Variant, color(byName[r.Variant]), r.DecodeTokensPerS!.Value, f.Value * scale, f.CiLow * scale, f.CiHigh * scale);
            })];

        string against = result.Accuracy?.Reference ?? "the reference";
        const string speed = "decode tokens/s per sequence (1000 / TPOT p50)";
        const string caption = "Bars are 95 % intervals (bootstrap over teacher-forced sequences). Speed under this run's load; up and right is better for top-1, down and right for KL.";

        // A run that measured only perplexity or exact match has no point to place: no chart rather than an empty one.
        List<SpeedAccuracyPoint> top1 = Points(a => a.Top1Agreement, 100);
        if (top1.Count > 0)
        {
            draw("speed vs top-1 agreement", () => SpeedAccuracyChart.Write(
                runDir, AccuracyChartNames[0], $"Decode speed vs top-1 agreement with {against}", speed, "top-1 agreement (%)", caption, top1, yMax: 100));
        }

        List<SpeedAccuracyPoint> kl = Points(a => a.KlMean, 1);
        if (kl.Count > 0)
        {
            draw("speed vs KL", () => SpeedAccuracyChart.Write(
                runDir, AccuracyChartNames[1], $"Decode speed vs KL divergence from {against}", speed, "mean KL(reference || variant), nats/token", caption, kl));
        }
    }

    /// <summary>p99 of a summary, or null when it summarises nothing (JSON cannot carry NaN, so count decides).</summary>
    public static double? Percentile99(LatencySummary p) => p.Count > 0 && double.IsFinite(p.P99) ? p.P99 : null;

    private static double Rate(double value, VariantResult v) => v.Metrics.Completed > 0 ? value : double.NaN;

    private static Dictionary<string, RequestMetrics[]> CompletedMetrics(IReadOnlyList<VariantResult> variants, IReadOnlyList<RequestRecord> records)
    {
        var byVariant = new Dictionary<string, RequestMetrics[]>(StringComparer.Ordinal);
        ILookup<string, RequestRecord> lookup = records.Where(r => !r.IsWarmup && r.Succeeded).ToLookup(r => r.Variant, StringComparer.Ordinal);
        foreach (VariantResult v in variants)
        {
            byVariant[v.Name] = [.. lookup[v.Name].Select(RequestMetrics.From)];
        }

        return byVariant;
    }

    /// <summary>Re-rendering must not leave charts of variants that are no longer in the result next to new ones.</summary>
    private static void ClearOldCharts(string runDir)
    {
        string dir = Path.Combine(runDir, ChartStyle.Directory);
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".svg", StringComparison.Ordinal)))
        {
            File.Delete(file);
        }
    }
}
