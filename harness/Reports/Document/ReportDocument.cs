namespace Harness.Reports.Document;

/// <summary>
/// A report's content independent of its format, so <c>report.md</c> and <c>index.html</c> always show the same
/// tables, warnings and charts.
/// </summary>
internal sealed record ReportDocument(string Title, IReadOnlyList<ReportSection> Sections);
