using System.Text;
using System.Text.RegularExpressions;
using Harness.Reports.Document;

namespace Harness.Reports;

/// <summary>Renders a <see cref="ReportDocument"/> as GitHub-flavoured Markdown (<c>report.md</c>).</summary>
internal static partial class MarkdownReport
{
    public const string FileName = "report.md";

    public static string Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sb = new StringBuilder();
        sb.Append("# ").Append(Inline(document.Title)).Append("\n\n");
        foreach (ReportSection section in document.Sections)
        {
            if (section.Heading is not null)
            {
                sb.Append("## ").Append(Inline(section.Heading)).Append("\n\n");
            }

            foreach (ReportBlock block in section.Blocks)
            {
                AppendBlock(sb, block);
                sb.Append('\n');
            }
        }

        return sb.ToString();
    }

    private static void AppendBlock(StringBuilder sb, ReportBlock block)
    {
        switch (block)
        {
            case TextBlock text:
                sb.Append(Inline(text.Text)).Append('\n');
                break;
            case WarningBlock warning:
                sb.Append("> **Warning:** ").Append(Inline(warning.Text)).Append('\n');
                break;
            case ListBlock list:
                foreach (string item in list.Items)
                {
                    sb.Append("- ").Append(Inline(item)).Append('\n');
                }

                break;
            case TableBlock table:
                AppendTable(sb, table);
                break;
            case ChartBlock chart:
                ChartFile c = chart.Chart;
                sb.Append("### ").Append(Inline(c.Title)).Append("\n\n");
                sb.Append("![").Append(Inline(c.Title)).Append("](").Append(c.PngPath).Append(")\n\n");
                if (c.Caption.Length > 0)
                {
                    sb.Append(Inline(c.Caption)).Append(' ');
                }

                sb.Append("[SVG](").Append(c.SvgPath).Append(")\n");
                break;
            default:
                throw new ArgumentException($"unknown report block {block.GetType().Name}", nameof(block));
        }
    }

    private static void AppendTable(StringBuilder sb, TableBlock table)
    {
        sb.Append('|');
        foreach (string header in table.Headers)
        {
            sb.Append(' ').Append(Cell(header)).Append(" |");
        }

        sb.Append("\n|");
        for (int i = 0; i < table.Headers.Count; i++)
        {
            sb.Append(i >= table.NumericColumnsFrom ? " ---: |" : " --- |");
        }

        sb.Append('\n');
        foreach (IReadOnlyList<string> row in table.Rows)
        {
            sb.Append('|');
            foreach (string cell in row)
            {
                sb.Append(' ').Append(Cell(cell)).Append(" |");
            }

            sb.Append('\n');
        }
    }

    // Variant names, errors and notes are free text: '|' would split a table cell, a newline would end the table,
    // and '<' could open an HTML tag in renderers that allow inline HTML.
    private static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);

    private static string Inline(string text) =>
        TagStart().Replace(text.Replace("\r", string.Empty, StringComparison.Ordinal).Replace('\n', ' '), "&lt;");

    // Only '<' that could open a tag or comment is escaped, so "TTFT <= 400 ms" stays readable in the raw file.
    [GeneratedRegex("<(?=[A-Za-z/!?])")]
    private static partial Regex TagStart();
}
