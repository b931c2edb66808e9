using System.Globalization;
using Harness.Statistics;

namespace Harness.Comparison;

/// <summary>
/// Prints a comparison as plain aligned text: it reads the same in a terminal and in a CI log, where a drawn table's
/// escape codes and wrapping at 80 columns would get in the way.
/// </summary>
internal static class ComparisonText
{
    private static readonly string[] Header = ["metric", "baseline", "candidate", "change", "CI", "verdict"];

    public static void Write(TextWriter output, RunComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(comparison);
        BootstrapOptions b = comparison.Bootstrap;
        output.WriteLine($"baseline:  {comparison.Baseline}");
        output.WriteLine($"candidate: {comparison.Candidate}");
        output.WriteLine(Invariant(
            $"change = (candidate - baseline) / baseline; {b.Confidence * 100:0.##}% bootstrap CI over requests ({b.Resamples} resamples, seed {b.Seed})"));

        foreach (VariantComparison v in comparison.Variants)
        {
            output.WriteLine();
            string heading = v.CandidateVariant is null ? $"variant {v.Variant}" : $"variants {v.Variant} (baseline) vs {v.CandidateVariant} (candidate)";
            output.WriteLine(Invariant(
                $"{heading}: {v.BaselineCompleted} vs {v.CandidateCompleted} completed requests, {v.BaselineFailed} vs {v.CandidateFailed} failed"));
            var rows = new List<string[]> { Header };
            rows.AddRange(v.Metrics.Select(Row));
            WriteAligned(output, rows);
        }

        if (comparison.OnlyInBaseline.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"only in baseline (not compared): {string.Join(", ", comparison.OnlyInBaseline)}");
        }

        if (comparison.OnlyInCandidate.Count > 0)
        {
            if (comparison.OnlyInBaseline.Count == 0)
            {
                output.WriteLine();
            }

            output.WriteLine($"only in candidate (not compared): {string.Join(", ", comparison.OnlyInCandidate)}");
        }

        if (comparison.Gates.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("gates:");
            foreach (GateOutcome g in comparison.Gates)
            {
                string status = g.Status switch
                {
                    GateStatus.Failed => "TRIPPED",
                    GateStatus.Unevaluable => "UNJUDGED",
                    _ => "ok",
                };
                output.WriteLine($"  {status,-8} [{g.Variant}] {g.Reason}");
            }
        }
    }

    public static string Verdict(ChangeVerdict verdict) => verdict switch
    {
        ChangeVerdict.Better => "better",
        ChangeVerdict.Worse => "worse",
        _ => "no significant change",
    };

    private static string[] Row(MetricComparison m)
    {
        if (m.Result is not { } r)
        {
            return [m.Metric, "-", "-", "-", "-", $"n/a: {m.Unavailable}"];
        }

        return
        [
            m.Metric,
            Value(r.BaselineValue),
            Value(r.CandidateValue),
            Percent(r.RelativeChange),
            $"[{Percent(r.CiLow)}, {Percent(r.CiHigh)}]",
            Verdict(r.Verdict),
        ];
    }

    private static void WriteAligned(TextWriter output, List<string[]> rows)
    {
        int columns = rows[0].Length;
        int[] width = new int[columns];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < columns; i++)
            {
                width[i] = Math.Max(width[i], row[i].Length);
            }
        }

        foreach (string[] row in rows)
        {
            // Names and verdicts left-aligned, numbers right-aligned so their decimal points line up.
            var cells = row.Select((cell, i) => i is 0 or 5 ? cell.PadRight(width[i]) : cell.PadLeft(width[i]));
            output.WriteLine("  " + string.Join("  ", cells).TrimEnd());
        }
    }

    private static string Value(double v) => v.ToString(Math.Abs(v) >= 100 ? "F1" : "F2", CultureInfo.InvariantCulture);

    /// <summary>A relative change as <c>compare</c> prints it: signed, two decimals, e.g. "+12.50%".</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + "%";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
