namespace Harness.Reports.Document;

/// <summary>A table of preformatted cells; every row has as many cells as there are headers.</summary>
/// <param name="NumericColumnsFrom">Columns from this index on are numbers (right-aligned).</param>
internal sealed record TableBlock(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, int NumericColumnsFrom = 1) : ReportBlock;
