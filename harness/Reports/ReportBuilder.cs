using Harness.Metrics;
using Harness.Reports.Charts;
using Harness.Reports.Document;
using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// Turns a run's result, its request records and its charts into a <see cref="ReportDocument"/>. Nothing is left
/// out because it is bad news: incomplete runs, failed requests, variant errors and invalid percentile claims all
/// appear, near the top when a reader could otherwise be misled.
/// </summary>
internal static class ReportBuilder
{
    /// <summary>Failed requests listed one by one, at most; the rest are counted (requests.csv has them all).</summary>
    public const int MaxFailedListed = 100;

    public static ReportDocument Build(RunResult result, IReadOnlyList<RequestRecord> records, ChartSet charts, ChartFontStatus fonts)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(charts);
        ArgumentNullException.ThrowIfNull(fonts);
        ChartFile? kvChart = charts.Charts.FirstOrDefault(c => c.PngPath == KvCacheChart.PngPath);
        ChartFile? parallelChart = charts.Charts.FirstOrDefault(c => c.PngPath == TensorParallelChart.PngPath);
        List<ChartFile> accuracyCharts = [.. charts.Charts.Where(c => ReportCharts.AccuracyChartNames.Any(n => c.PngPath == $"{ChartStyle.Directory}/{n}.png"))];
        var sections = new List<ReportSection> { Overview(result, charts, fonts) };

        // The verdict a reader came for comes first; a run of one variant has nothing to compare.
        if (VariantDifferenceSection.Build(result, records) is { } difference)
        {
            sections.Add(difference);
        }

        sections.AddRange(
        [
            Environment(result.Environment),
            Variants(result.Variants),
            Requests(result.Variants),
            Latency(result.Variants),
            Throughput(result),
            Memory(result.Variants),
        ]);

        // Only engines that report telemetry get the section, so a report without it reads exactly as before.
        if (result.Variants.Any(v => v.Kv is not null) || kvChart is not null)
        {
            sections.Add(KvCache(result.Variants, kvChart));
        }

        // Only runs that split a variant over ranks get the section: at TP 1 everywhere its tables hold no collectives.
        if (TensorParallelScaling.AnySplit(result.Variants))
        {
            sections.Add(TensorParallelSection.Build(result.Variants, parallelChart));
        }

        // Only runs that measured accuracy get these; the comparison only when some variant has figures to set beside
        // its size and speed (a reference that failed leaves the accuracy section its warning and nothing to compare).
        if (result.Accuracy is not null || result.Variants.Any(v => v.Accuracy is not null))
        {
            sections.Add(AccuracySections.Accuracy(result));
            if (CompressionComparison.Rows(result).Count > 0)
            {
                sections.Add(AccuracySections.Precision(result, accuracyCharts));
            }
        }

        sections.AddRange(
        [
            Validity(result.Variants),
            FailedRequests(result.Variants, records),
            Notes(result.Notes),
            Charts(charts, [.. accuracyCharts, .. new[] { kvChart, parallelChart }.OfType<ChartFile>()]),
            Definitions(result.MetricDefinitions),
        ]);
        return new ReportDocument($"Run report: {result.Scenario}", sections);
    }

    private static ReportSection Overview(RunResult result, ChartSet charts, ChartFontStatus fonts)
    {
        var blocks = new List<ReportBlock>();
        if (result.Complete)
        {
            blocks.Add(new TextBlock("Run complete: every variant ran to the end."));
        }
        else
        {
            blocks.Add(new WarningBlock("INCOMPLETE RUN: the run stopped before every variant finished (interrupted or failed). The figures below cover only what finished and must not be compared with complete runs."));
        }

        foreach (VariantResult v in result.Variants.Where(v => v.Error is not null))
        {
            blocks.Add(new WarningBlock($"Variant {v.Name} failed: {v.Error}"));
        }

        if (!fonts.Available)
        {
            blocks.Add(new WarningBlock($"Charts were drawn WITHOUT any text (titles, axis labels, legends): no usable font was found ({fonts.Detail}). Install fonts-dejavu-core, then re-render with `harness report RUN_DIR`."));
        }

        foreach (string failure in charts.Failures)
        {
            blocks.Add(new WarningBlock($"Chart not drawn: {failure}"));
        }

        if (result.Quick)
        {
            blocks.Add(new TextBlock("Quick mode: reduced request counts; figures are indicative only."));
        }

        if (!string.IsNullOrWhiteSpace(result.Description))
        {
            blocks.Add(new TextBlock(result.Description));
        }

        blocks.Add(KeyValues(
        [
            ("scenario", result.Scenario),
            ("scenario file", result.ScenarioPath),
            ("model", result.Model),
            ("engine", result.Engine),
            ("workload", result.Workload),
            ("load", result.Load),
            ("SLO", ReportFormat.Slo(result.Slo)),
            ("seed", result.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("started", ReportFormat.Timestamp(result.StartedAt)),
            ("finished", ReportFormat.Timestamp(result.FinishedAt)),
            ("wall time", ReportFormat.Seconds((result.FinishedAt - result.StartedAt).TotalSeconds)),
            ("result schema", $"v{result.SchemaVersion}"),
        ]));
        return new ReportSection(null, blocks);
    }

    private static ReportSection Environment(RunEnvironment env)
    {
        string packages = env.Packages.Count == 0 ? "-" : string.Join(", ", env.Packages.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        return new ReportSection("Environment",
        [
            KeyValues(
            [
                ("CPU", env.Cpu),
                ("cores", ReportFormat.Integer(env.Cores)),
                ("memory", ReportFormat.GiB(env.MemoryBytes)),
                ("OS", env.Os),
                (".NET", env.Dotnet),
                ("git commit", env.GitCommit ?? "unknown"),
                ("load average", env.LoadAverage),
                ("packages", packages),
            ]),
            new TextBlock("Timings depend on everything else running on the machine: compare runs only at similar load averages."),
        ]);
    }

    private static ReportSection Variants(IReadOnlyList<VariantResult> variants)
    {
        var rows = variants.Select(v => Row(
            v.Name,
            v.LoadPoint,
            v.Config.Count == 0 ? "-" : string.Join(", ", v.Config.Select(c => $"{c.Key}={c.Value}")),
            v.Error is null ? "ok" : "FAILED: " + v.Error));
        return new ReportSection("Variants", [Table(["variant", "load", "config", "status"], rows, numericFrom: 99)]);
    }

    private static ReportSection Requests(IReadOnlyList<VariantResult> variants)
    {
        var rows = variants.Select(v => Row(
            v.Name,
            ReportFormat.Integer(v.Metrics.Measured),
            ReportFormat.Integer(v.Metrics.Completed),
            ReportFormat.Integer(v.Metrics.Failed),
            ReportFormat.Integer(v.Metrics.WarmupExcluded),
            ReportFormat.Seconds(v.Metrics.DurationS)));
        return new ReportSection("Requests",
        [
            Table(["variant", "measured", "completed", "failed", "warm-up excluded", "duration"], rows),
            new TextBlock("Latency summaries and token throughput cover completed requests only; failed requests are counted in 'failed' and listed below; warm-up requests are excluded from every statistic."),
        ]);
    }

    private static ReportSection Latency(IReadOnlyList<VariantResult> variants)
    {
        var rows = variants.Select(v =>
        {
            VariantSummary m = v.Metrics;
            return Row(
                v.Name,
                ReportFormat.Ms(m.TtftMs, p => p.P50),
                ReportFormat.Ms(m.TtftMs, p => p.P90),
                ReportFormat.Ms(m.TtftMs, p => p.P99),
                ReportFormat.Ms(m.TpotMs, p => p.P50),
                ReportFormat.Ms(m.TpotMs, p => p.P99),
                ReportFormat.Ms(m.ItlMs, p => p.P99),
                ReportFormat.Ms(m.E2eMs, p => p.P50),
                ReportFormat.Ms(m.E2eMs, p => p.P99),
                ReportFormat.Ms(m.QueueWaitMs, p => p.P99));
        });
        return new ReportSection("Latency (ms)",
        [
            Table(["variant", "TTFT p50", "TTFT p90", "TTFT p99", "TPOT p50", "TPOT p99", "ITL p99", "E2E p50", "E2E p99", "queue wait p99"], rows),
            new TextBlock("All latencies count from the scheduled send time, so client and engine queueing are included. TPOT excludes the first token (vLLM's TPOT, GuideLLM's ITL); n/a means no completed request had that metric."),
        ]);
    }

    private static ReportSection Throughput(RunResult result)
    {
        var rows = result.Variants.Select(v =>
        {
            VariantSummary m = v.Metrics;
            return Row(
                v.Name,
                ReportFormat.Rate(m.OutputTokensPerS),
                ReportFormat.Rate(m.TotalTokensPerS),
                ReportFormat.Rate(m.RequestsPerS),
                ReportFormat.Rate(m.GoodputRequestsPerS),
                ReportFormat.Percent(m.SloAttainment),
                ReportFormat.Ms(v.GeneratorLatenessP99Ms));
        });
        string slo = result.Slo is null
            ? "No SLO was set: goodput and SLO attainment are n/a."
            : $"Goodput counts completed requests meeting every SLO ({ReportFormat.Slo(result.Slo)}); SLO attainment divides them by all measured requests, so failed requests count as misses.";
        return new ReportSection("Throughput and goodput",
        [
            Table(["variant", "output tok/s", "total tok/s", "requests/s", "goodput req/s", "SLO attainment", "generator lateness p99 (ms)"], rows),
            new TextBlock(slo + " Generator lateness is how late the load generator sent requests against their schedule (p99); if it is large, the client, not the engine, limited the load."),
        ]);
    }

    private static ReportSection Memory(IReadOnlyList<VariantResult> variants)
    {
        var rows = variants.Select(v => Row(
            v.Name,
            ReportFormat.MiB(v.Memory.WeightsBytes),
            ReportFormat.MiB(v.Memory.KvCacheReservedBytes),
            ReportFormat.MiB(v.Memory.KvCachePeakBytes),
            ReportFormat.MiB(v.Memory.PeakRssBytes)));
        return new ReportSection("Memory (MiB)",
        [
            Table(["variant", "weights", "KV cache reserved", "KV cache peak", "peak RSS"], rows),
            new TextBlock("As reported by the engine; n/a means not reported."),
        ]);
    }

    private static ReportSection KvCache(IReadOnlyList<VariantResult> variants, ChartFile? chart)
    {
        var rows = variants.Where(v => v.Kv is not null).Select(v =>
        {
            KvCacheSummary kv = v.Kv!;
            return Row(
                v.Name,
                kv.KvLayout,
                ReportFormat.Integer(kv.BlockSize),
                ReportFormat.MiB(kv.PeakUsedBytes),
                ReportFormat.MiB(kv.PeakAllocatedBytes),
                ReportFormat.MiB(kv.CapacityBytes),
                ReportFormat.Percent(kv.WastePercent / 100),
                ReportFormat.Percent(kv.WastePercentAtPeak / 100),
                ReportFormat.Integer(kv.Preemptions),
                ReportFormat.Percent(kv.PrefixCacheHitRate),
                ReportFormat.Average(kv.MeanDecodeBatch),
                ReportFormat.Integer(kv.Steps));
        }).ToList();
        var blocks = new List<ReportBlock>();
        blocks.Add(rows.Count == 0
            ? new TextBlock("No variant has KV figures (the engine reported no measured load run).")
            : Table(["variant", "layout", "block size", "peak used (MiB)", "peak allocated (MiB)", "capacity (MiB)", "waste", "waste at peak", "preemptions", "prefix cache hit rate", "mean decode batch", "engine steps"], rows, numericFrom: 2));
        blocks.Add(new TextBlock(
            "From the engine's own per-step samples and request events, over the measured load runs (warm-up excluded). "
            + "Waste is memory set aside for running sequences but holding no token, weighted by what each step held: "
            + "100 x (1 - sum used / sum allocated) over steps that allocated any; at peak, the same at the step with the largest allocation. "
            + "A contiguous cache reserves each sequence's whole context (block size = that context), so short sequences waste most of it; a paged cache wastes at most the unfilled part of each sequence's last block. "
            + "Preemptions are sequences whose KV memory was taken back and later recomputed. The prefix cache hit rate is prompt tokens found cached / prompt tokens looked up (n/a: no lookups). "
            + "Mean decode batch averages the sequences per decode pass over steps that decoded. Per-request events and per-step samples are in engine_events.csv and engine_steps.csv."));
        if (chart is not null)
        {
            blocks.Add(new ChartBlock(chart));
        }

        return new ReportSection("KV cache and scheduler", blocks);
    }

    private static ReportSection Validity(IReadOnlyList<VariantResult> variants)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (VariantResult v in variants)
        {
            foreach (EarlyStoppingVerdict r in v.Validity)
            {
                rows.Add(Row(
                    v.Name,
                    r.Metric,
                    $"p{ReportFormat.Number(r.Percentile * 100)}",
                    ReportFormat.Ms(r.BoundMs),
                    ReportFormat.Integer(r.Samples),
                    ReportFormat.Integer(r.Overlatency),
                    ReportFormat.Integer(r.MinimumSamples),
                    r.Valid ? "valid" : r.Samples < r.MinimumSamples ? "NOT VALID (too few samples)" : "NOT VALID",
                    ReportFormat.Ms(r.ConservativeEstimateMs)));
            }
        }

        var blocks = new List<ReportBlock>
        {
            new TextBlock("MLPerf LoadGen's early-stopping rule at 99 % confidence: a claim \"p-th percentile <= bound\" holds only if the samples, given how many were over the bound, are enough. The conservative estimate is the latency LoadGen would report in its place."),
        };
        blocks.Add(rows.Count == 0
            ? new TextBlock("No validity verdicts were recorded.")
            : Table(["variant", "metric", "percentile", "bound (ms)", "samples", "over bound", "minimum samples", "verdict", "conservative estimate (ms)"], rows, numericFrom: 3));
        return new ReportSection("Validity (MLPerf early stopping)", blocks);
    }

    private static ReportSection FailedRequests(IReadOnlyList<VariantResult> variants, IReadOnlyList<RequestRecord> records)
    {
        List<RequestRecord> failed = [.. records.Where(r => !r.IsWarmup && !r.Succeeded)];
        int counted = variants.Sum(v => v.Metrics.Failed);
        var blocks = new List<ReportBlock>();
        if (failed.Count == 0 && counted == 0)
        {
            blocks.Add(new TextBlock("No measured request failed."));
            return new ReportSection("Failed requests", blocks);
        }

        blocks.Add(new WarningBlock($"{Math.Max(failed.Count, counted)} measured request(s) failed. They are counted in 'failed', kept out of latency percentiles and token throughput, and count as SLO misses."));
        if (failed.Count > 0)
        {
            var rows = failed.Take(MaxFailedListed).Select(r => Row(
                r.Variant,
                r.Id,
                r.FinishReason.ToString().ToLowerInvariant(),
                ReportFormat.Integer(r.OutputTokens),
                r.Error ?? (r.TokenTimes.Length == 0 ? "no token arrived" : "-")));
            blocks.Add(Table(["variant", "request", "finish reason", "output tokens", "error"], rows, numericFrom: 3));
            if (failed.Count > MaxFailedListed)
            {
                blocks.Add(new TextBlock($"... and {failed.Count - MaxFailedListed} more; requests.csv lists every request."));
            }
        }
        else
        {
            blocks.Add(new TextBlock("The request records were not available, so the failed requests cannot be listed one by one."));
        }

        return new ReportSection("Failed requests", blocks);
    }

    private static ReportSection Notes(IReadOnlyList<string> notes) =>
        new("Notes", [notes.Count == 0 ? new TextBlock("None.") : new ListBlock(notes)]);

    /// <summary>Every chart not already shown in its own section.</summary>
    private static ReportSection Charts(ChartSet charts, IReadOnlyList<ChartFile> shownElsewhere)
    {
        List<ChartFile> rest = [.. charts.Charts.Where(c => !shownElsewhere.Contains(c))];
        return new("Charts", rest.Count == 0
            ? [new TextBlock("No chart was drawn.")]
            : [.. rest.Select(c => (ReportBlock)new ChartBlock(c))]);
    }

    private static ReportSection Definitions(IReadOnlyList<MetricDefinition> definitions)
    {
        IReadOnlyList<MetricDefinition> shown = definitions.Count > 0 ? definitions : MetricDefinitions.All;
        var rows = shown.Select(d => Row(d.Key, d.Unit, d.Definition, d.VllmName, d.GuideLlmName));
        return new ReportSection("Metric definitions",
        [
            Table(["metric", "unit", "definition", "vLLM name", "GuideLLM name"], rows, numericFrom: 99),
            new TextBlock("vLLM and GuideLLM swap the meanings of TPOT and ITL; the columns above say which of their numbers each metric matches."),
        ]);
    }

    internal static TableBlock KeyValues(IEnumerable<(string Key, string Value)> pairs) =>
        Table(["", ""], pairs.Select(p => Row(p.Key, string.IsNullOrEmpty(p.Value) ? "-" : p.Value)), numericFrom: 99);

    internal static TableBlock Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, int numericFrom = 1) =>
        new(headers, [.. rows], numericFrom);

    internal static IReadOnlyList<string> Row(params string[] cells) => cells;
}
