namespace Harness.Reports.Document;

/// <summary>One piece of a report section: text, a warning, a list, a table or a chart.</summary>
internal abstract record ReportBlock;
