namespace Harness.Reports.Document;

/// <summary>A bulleted list of plain-text items.</summary>
internal sealed record ListBlock(IReadOnlyList<string> Items) : ReportBlock;
