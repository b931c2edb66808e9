using System.Net;
using System.Text;
using Harness.Reports.Document;

namespace Harness.Reports;

/// <summary>
/// Renders a <see cref="ReportDocument"/> as one self-contained page (<c>index.html</c>): inline CSS, no scripts,
/// nothing fetched from elsewhere; charts are relative links to the PNGs beside it, so the run directory can be
/// copied or archived as it is.
/// </summary>
internal static class HtmlReport
{
    public const string FileName = "index.html";

    private const string Css = """
        body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; line-height: 1.4; }
        h1 { border-bottom: 2px solid #4e79a7; padding-bottom: .2em; }
        h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: .8em 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: .25em .6em; vertical-align: top; }
        th { background: #f0f3f7; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr:nth-child(even) td { background: #fafafa; }
        .warning { background: #fff3cd; border-left: 5px solid #d62728; padding: .6em 1em; margin: .8em 0; font-weight: bold; }
        figure { margin: 1.5em 0; }
        figure img { max-width: 100%; border: 1px solid #ddd; }
        figcaption { font-size: 0.9em; color: #555; }
        """;

    public static string Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(E(document.Title)).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E(document.Title)).Append("</h1>\n");
        foreach (ReportSection section in document.Sections)
        {
            sb.Append("<section>\n");
            if (section.Heading is not null)
            {
                sb.Append("<h2>").Append(E(section.Heading)).Append("</h2>\n");
            }

            foreach (ReportBlock block in section.Blocks)
            {
                AppendBlock(sb, block);
            }

            sb.Append("</section>\n");
        }

        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void AppendBlock(StringBuilder sb, ReportBlock block)
    {
        switch (block)
        {
            case TextBlock text:
                sb.Append("<p>").Append(E(text.Text)).Append("</p>\n");
                break;
            case WarningBlock warning:
                sb.Append("<div class=\"warning\">Warning: ").Append(E(warning.Text)).Append("</div>\n");
                break;
            case ListBlock list:
                sb.Append("<ul>\n");
                foreach (string item in list.Items)
                {
                    sb.Append("<li>").Append(E(item)).Append("</li>\n");
                }

                sb.Append("</ul>\n");
                break;
            case TableBlock table:
                AppendTable(sb, table);
                break;
            case ChartBlock chart:
                ChartFile c = chart.Chart;
                sb.Append("<figure>\n<img src=\"").Append(E(c.PngPath)).Append("\" alt=\"").Append(E(c.Title)).Append("\">\n<figcaption><strong>")
                    .Append(E(c.Title)).Append("</strong>");
                if (c.Caption.Length > 0)
                {
                    sb.Append(" ").Append(E(c.Caption));
                }

                sb.Append(" <a href=\"").Append(E(c.SvgPath)).Append("\">SVG</a></figcaption>\n</figure>\n");
                break;
            default:
                throw new ArgumentException($"unknown report block {block.GetType().Name}", nameof(block));
        }
    }

    private static void AppendTable(StringBuilder sb, TableBlock table)
    {
        sb.Append("<table>\n<thead><tr>");
        foreach (string header in table.Headers)
        {
            sb.Append("<th>").Append(E(header)).Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (IReadOnlyList<string> row in table.Rows)
        {
            sb.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
            {
                sb.Append(i >= table.NumericColumnsFrom ? "<td class=\"num\">" : "<td>").Append(E(row[i])).Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
