namespace Harness.Reports.Document;

/// <summary>Something a reader must not miss (incomplete run, charts without text), shown prominently.</summary>
internal sealed record WarningBlock(string Text) : ReportBlock;
