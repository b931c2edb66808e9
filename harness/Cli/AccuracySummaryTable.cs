using Harness.Accuracy;
using Harness.Results;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>The per-variant accuracy table <c>run</c> prints after the performance summary, when the run measured accuracy.</summary>
internal static class AccuracySummaryTable
{
    public static Table? Build(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        List<VariantResult> measured = [.. result.Variants.Where(v => v.Accuracy is not null)];
        if (measured.Count == 0)
        {
            return null;
        }

        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"accuracy vs {result.Accuracy?.Reference ?? "reference"} (value [95 % interval])"));
        foreach (string column in (string[])["variant", .. AccuracyText.Headers, "notes"])
        {
            table.AddColumn(column);
        }

        foreach (VariantResult v in measured)
        {
            VariantAccuracy a = v.Accuracy!;
            // Intervals are written in brackets, which Spectre reads as markup unless escaped.
            string notes = a.Notes.Count == 0 ? "-" : $"{a.Notes.Count} (see report)";
            table.AddRow([.. ((string[])[a.IsReference ? v.Name + " (ref)" : v.Name, .. AccuracyText.Cells(a), notes]).Select(Markup.Escape)]);
        }

        return table;
    }
}
