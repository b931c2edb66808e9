namespace Harness.Reports.Document;

/// <summary>An embedded chart.</summary>
internal sealed record ChartBlock(ChartFile Chart) : ReportBlock;
