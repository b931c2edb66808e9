namespace Harness.Results;

/// <summary>Writes CSV fields the way <see cref="CsvRowReader"/> reads them back.</summary>
internal static class CsvFields
{
    /// <summary>Null becomes an empty field; text is quoted when it is empty or holds a comma, quote or line break.</summary>
    public static string Escape(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        return value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }
}
