namespace Harness.Results;

/// <summary>One CSV record: its fields and the 1-based line it starts on (a quoted field may span lines).</summary>
/// <param name="Fields">Field values; null for an unquoted empty field, "" for a quoted one (<c>""</c>).</param>
internal sealed record CsvRow(int Line, IReadOnlyList<string?> Fields);
