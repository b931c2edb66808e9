namespace Harness.Reports.Document;

/// <summary>A headed part of a report; a null heading renders the blocks without one (the report's opening).</summary>
internal sealed record ReportSection(string? Heading, IReadOnlyList<ReportBlock> Blocks);
