using System.Text.RegularExpressions;

namespace Harness.Tests.Harness.Reports;

/// <summary>Reads one Markdown table back out of a report, by section heading, so tests can check cells by column name.</summary>
internal static class MarkdownTable
{
    /// <summary>The first (or <paramref name="index"/>-th) table under "## <paramref name="heading"/>": header cells and rows of cells.</summary>
    public static (string[] Headers, List<string[]> Rows) Under(string markdown, string heading, int index = 0)
    {
        string[] lines = markdown.Split('\n');
        int start = Array.FindIndex(lines, l => l.Trim() == "## " + heading);
        Assert.True(start >= 0, $"no section '{heading}'");
        int i = start + 1;
        for (int skipped = -1; skipped < index; skipped++)
        {
            // Past the previous table, then on to the next one's header.
            while (skipped >= 0 && i < lines.Length && lines[i].StartsWith('|'))
            {
                i++;
            }

            while (i < lines.Length && !lines[i].StartsWith('|'))
            {
                Assert.False(lines[i].StartsWith("## ", StringComparison.Ordinal), $"section '{heading}' has no table {index}");
                i++;
            }
        }

        string[] headers = Cells(lines[i]);
        var rows = new List<string[]>();
        for (i += 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            rows.Add(Cells(lines[i]));
        }

        return (headers, rows);
    }

    public static string Cell(string markdown, string heading, string rowKey, string column, int table = 0)
    {
        (string[] headers, List<string[]> rows) = Under(markdown, heading, table);
        int col = Array.IndexOf(headers, column);
        Assert.True(col >= 0, $"no column '{column}' in '{heading}' table {table}: {string.Join(", ", headers)}");
        string[]? row = rows.FirstOrDefault(r => r[0] == rowKey);
        Assert.True(row is not null, $"no row '{rowKey}' in '{heading}' table {table}");
        return row![col];
    }

    // An escaped pipe (backslash, pipe) belongs to the cell.
    private static string[] Cells(string line) => [.. Regex.Split(line.Trim()[1..^1], @"(?<!\\)\|").Select(c => c.Trim())];
}
