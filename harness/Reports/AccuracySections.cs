using Harness.Accuracy;
using Harness.Reports.Document;
using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// The report's accuracy sections, present only when the run measured accuracy: every figure with its interval and
/// what it was measured against, then the compression comparison (size, speed and accuracy side by side) with its charts.
/// </summary>
internal static class AccuracySections
{
    public static ReportSection Accuracy(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        AccuracySetup? setup = result.Accuracy;
        var blocks = new List<ReportBlock>();
        if (setup is not null)
        {
            string variant = setup.ReferenceVariant is null ? "a separate build, not a variant of this run" : "a variant of this run";
            blocks.Add(new TextBlock($"Reference: {setup.Reference} ({variant}; options: {Options(setup.ReferenceConfig)}). Each figure is \"value [95 % interval]\"; n/a means not configured, not applicable or failed (see the notes)."));
            if (setup.Error is not null)
            {
                blocks.Add(new WarningBlock($"The reference outputs are missing, so nothing was compared with them: {setup.Error}"));
            }

            blocks.Add(new ListBlock(setup.Methods));
        }

        List<VariantResult> measured = [.. result.Variants.Where(v => v.Accuracy is not null)];
        var rows = measured.Select(v =>
        {
            VariantAccuracy a = v.Accuracy!;
            return ReportBuilder.Row([a.IsReference ? v.Name + " (reference)" : v.Name, .. AccuracyText.Cells(a), AccuracyText.Number(a.LoadAgreementPrefixTokens)]);
        });
        blocks.Add(measured.Count == 0
            ? new TextBlock("No variant was measured.")
            : ReportBuilder.Table(["variant", .. AccuracyText.Headers, "load matched prefix (tokens)"], rows));
        List<string> notes = [.. measured.SelectMany(v => v.Accuracy!.Notes.Select(n => $"{v.Name}: {n}"))];
        if (notes.Count > 0)
        {
            blocks.Add(new ListBlock(notes));
        }

        return new ReportSection("Accuracy", blocks);
    }

    public static ReportSection Precision(RunResult result, IReadOnlyList<ChartFile> charts)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(charts);
        IReadOnlyList<CompressionRow> rows = CompressionComparison.Rows(result);
        string reference = result.Accuracy?.Reference ?? "the reference";
        var blocks = new List<ReportBlock>
        {
            ReportBuilder.Table(
                ["variant", "model", "weights (MiB)", $"size vs {reference}", "decode tok/s", "TPOT p50 (ms)", $"speedup vs {reference}", "KL mean", "top-1 agreement", "greedy match (tokens)", "perplexity", "exact match"],
                rows.Select(r => ReportBuilder.Row(
                    r.Variant,
                    r.Compression,
                    ReportFormat.MiB(r.WeightsBytes),
                    ReportFormat.Ratio(r.SizeRatio),
                    ReportFormat.Rate(r.DecodeTokensPerS),
                    ReportFormat.Ms(r.TpotP50Ms),
                    ReportFormat.Ratio(r.Speedup),
                    AccuracyText.Kl(r.Accuracy.KlMean),
                    AccuracyText.Percent(r.Accuracy.Top1Agreement),
                    AccuracyText.Number(r.Accuracy.GreedyMatchTokens),
                    AccuracyText.Number(r.Accuracy.Perplexity),
                    AccuracyText.Percent(r.Accuracy.ExactMatch))),
                numericFrom: 2),
            new TextBlock("Decode tok/s is one sequence's decode speed under this run's load, 1000 / TPOT p50 (first token excluded); speedup is the reference's TPOT p50 over the variant's (n/a when the reference is not a variant of this run). Weights are as the engine holds them. Accuracy figures as in the table above."),
        };
        blocks.AddRange(charts.Select(c => (ReportBlock)new ChartBlock(c)));
        return new ReportSection("Compression comparison", blocks);
    }

    private static string Options(IReadOnlyDictionary<string, string> config) =>
        config.Count == 0 ? "defaults" : string.Join(", ", config.Select(c => $"{c.Key}={c.Value}"));
}
