using System.Globalization;
using Harness.Comparison;
using Harness.Metrics;
using Harness.Reports.Document;
using Harness.Results;
using Harness.Statistics;

namespace Harness.Reports;

/// <summary>
/// The report's plain answer to whether the variants differ: each variant against a baseline at the same load point
/// (the accuracy reference when it is a variant of the run, else the first variant), on the headline metrics, by the
/// bootstrap <c>compare</c> runs (<see cref="RunComparer.ComparePair"/>) with its default resamples and fixed seed, so
/// a re-rendered report shows the same intervals and <c>compare RUN RUN --pair</c> prints them too. Present only when
/// some load point has two variants that ran.
/// </summary>
internal static class VariantDifferenceSection
{
    public const string Heading = "Are the variants different?";

    /// <summary>The section, or null when no load point has two variants to compare.</summary>
    public static ReportSection? Build(RunResult result, IReadOnlyList<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(records);
        string? reference = result.Accuracy?.ReferenceVariant;
        List<VariantPair> pairs = Pairs(result.Variants, reference);
        if (pairs.Count == 0)
        {
            return null;
        }

        Slo? slo = result.Slo is { IsEmpty: false } s ? s : null;
        IReadOnlyList<ComparedMetric> metrics = ComparedMetrics.Headline(slo is not null);
        BootstrapOptions options = BootstrapOptions.Default;
        // At the file's microsecond resolution: the report written at run time and `compare` (or `report`) reading
        // requests.csv later must print the same digits for sub-millisecond TPOTs.
        IReadOnlyList<RequestRecord> stored = RunClock.AsStored(records);
        List<VariantComparison> compared = [.. pairs.Select(p => RunComparer.ComparePair(p, stored, stored, slo, metrics, options))];

        bool againstReference = reference is not null && pairs.Any(p => VariantNames.BaseName(p.Baseline) == reference);
        string role = againstReference ? "the accuracy reference" : "the first variant";
        List<string> baselines = [.. pairs.Select(p => p.Baseline).Distinct(StringComparer.Ordinal)];
        string against = baselines.Count == 1 ? $"{baselines[0]} ({role})" : $"{role} at the same load point";
        string confidence = (options.Confidence * 100).ToString("0.##", CultureInfo.InvariantCulture);
        var blocks = new List<ReportBlock>
        {
            new TextBlock(string.Create(
                CultureInfo.InvariantCulture,
                $"Each variant against {against} on the headline metrics: change = (variant - baseline) / baseline, with a {confidence} % bootstrap interval over the per-request records ({options.Resamples} resamples, seed {options.Seed}), as `compare RUN RUN --pair BASELINE:VARIANT` prints it. A change is significant, better or worse, when its interval excludes 0.")),
            ReportBuilder.Table(
                ["variant", "against", "metric", "verdict", "baseline", "variant value", "change", $"{confidence} % interval"],
                compared.SelectMany(c => c.Metrics.Select(m => Row(c, m))),
                numericFrom: 4),
        };

        List<VariantComparison> alike = [.. compared.Where(IsAlike)];
        if (alike.Count == compared.Count)
        {
            blocks.Add(new TextBlock($"The variants cannot be told apart at this sample size ({SampleSize(compared)}): no headline metric of any variant differs significantly from {against}."));
        }
        else
        {
            blocks.Add(new ListBlock([.. compared.Select(Statement)]));
        }

        return new ReportSection(Heading, blocks);
    }

    /// <summary>At each load point, every variant that ran against the reference there, else the first that ran.</summary>
    private static List<VariantPair> Pairs(IReadOnlyList<VariantResult> variants, string? reference)
    {
        var pairs = new List<VariantPair>();
        foreach (IGrouping<string, VariantResult> point in variants.Where(v => v.Error is null).GroupBy(v => v.LoadPoint, StringComparer.Ordinal))
        {
            VariantResult baseline = point.FirstOrDefault(v => VariantNames.BaseName(v.Name) == reference) ?? point.First();
            pairs.AddRange(point.Where(v => !ReferenceEquals(v, baseline)).Select(v => new VariantPair(baseline.Name, v.Name)));
        }

        return pairs;
    }

    /// <summary>Judged on at least one metric and significant on none.</summary>
    private static bool IsAlike(VariantComparison c) =>
        c.Metrics.Any(m => m.Result is not null) && c.Metrics.All(m => m.Result is null || m.Result.Verdict == ChangeVerdict.NoSignificantChange);

    private static string Statement(VariantComparison c)
    {
        string variant = Candidate(c);
        if (IsAlike(c))
        {
            return $"{variant} cannot be told apart from {c.Variant} at this sample size ({c.CandidateCompleted} and {c.BaselineCompleted} completed requests).";
        }

        List<string> significant = [.. c.Metrics
            .Where(m => m.Result is { Verdict: not ChangeVerdict.NoSignificantChange })
            .Select(m => $"{m.Metric} {ComparisonText.Percent(m.Result!.RelativeChange)} ({ComparisonText.Verdict(m.Result.Verdict)})")];
        return significant.Count == 0
            ? $"{variant} could not be compared with {c.Variant}: no headline metric had samples in both."
            : $"{variant} differs from {c.Variant}: {string.Join(", ", significant)}.";
    }

    private static IReadOnlyList<string> Row(VariantComparison c, MetricComparison m)
    {
        if (m.Result is not { } r)
        {
            return ReportBuilder.Row(Candidate(c), c.Variant, m.Metric, $"n/a: {m.Unavailable}", ReportFormat.NotAvailable, ReportFormat.NotAvailable, ReportFormat.NotAvailable, ReportFormat.NotAvailable);
        }

        return ReportBuilder.Row(
            Candidate(c),
            c.Variant,
            m.Metric,
            ComparisonText.Verdict(r.Verdict),
            ReportFormat.Rate(r.BaselineValue),
            ReportFormat.Rate(r.CandidateValue),
            ComparisonText.Percent(r.RelativeChange),
            $"[{ComparisonText.Percent(r.CiLow)}, {ComparisonText.Percent(r.CiHigh)}]");
    }

    private static string Candidate(VariantComparison c) => c.CandidateVariant ?? c.Variant;

    /// <summary>"256 completed requests per variant", or the range when the variants completed different numbers.</summary>
    private static string SampleSize(IReadOnlyList<VariantComparison> compared)
    {
        List<int> counts = [.. compared.SelectMany(c => new[] { c.BaselineCompleted, c.CandidateCompleted })];
        int min = counts.Min();
        int max = counts.Max();
        return min == max
            ? string.Create(CultureInfo.InvariantCulture, $"{min} completed requests per variant")
            : string.Create(CultureInfo.InvariantCulture, $"{min} to {max} completed requests per variant");
    }
}
