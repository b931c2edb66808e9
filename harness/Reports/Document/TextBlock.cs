namespace Harness.Reports.Document;

/// <summary>A paragraph of plain text (no markup; renderers escape it).</summary>
internal sealed record TextBlock(string Text) : ReportBlock;
