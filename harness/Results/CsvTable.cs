namespace Harness.Results;

/// <summary>
/// A CSV file read against the columns its reader needs: the header must name each of them (in any order; columns a
/// reader does not know are ignored, so a file may grow) and every row must have as many fields as the header.
/// Every error is one line naming file and line.
/// </summary>
internal static class CsvTable
{
    public static List<T> Read<T>(TextReader reader, string path, IReadOnlyList<string> columns, Func<CsvRecord, T> parse)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(parse);
        var csv = new CsvRowReader(reader, path);
        CsvRow header = csv.Next() ?? throw new HarnessInputException($"{path}: empty file, expected a header ({string.Join(',', columns)})");
        int[] index = new int[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            index[i] = IndexOf(header.Fields, columns[i]);
            if (index[i] < 0)
            {
                throw new HarnessInputException($"{path}:{header.Line}: missing column '{columns[i]}' (expected {string.Join(',', columns)})");
            }
        }

        var rows = new List<T>();
        while (csv.Next() is { } row)
        {
            if (row.Fields.Count != header.Fields.Count)
            {
                throw new HarnessInputException($"{path}:{row.Line}: {row.Fields.Count} fields, the header has {header.Fields.Count}");
            }

            rows.Add(parse(new CsvRecord(row, index, columns, path)));
        }

        return rows;
    }

    /// <summary>The header line every writer puts first.</summary>
    public static string Header(IReadOnlyList<string> columns) => string.Join(',', columns) + "\n";

    private static int IndexOf(IReadOnlyList<string?> fields, string name)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (string.Equals(fields[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
