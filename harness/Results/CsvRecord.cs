using System.Globalization;

namespace Harness.Results;

/// <summary>One data row of a <see cref="CsvTable"/>, read by column; a bad value names file, line and column.</summary>
internal sealed class CsvRecord
{
    private readonly CsvRow row;
    private readonly int[] index;
    private readonly IReadOnlyList<string> columns;
    private readonly string path;

    public CsvRecord(CsvRow row, int[] index, IReadOnlyList<string> columns, string path)
    {
        this.row = row;
        this.index = index;
        this.columns = columns;
        this.path = path;
    }

    public int Line => row.Line;

    /// <summary>The field of the <paramref name="column"/>-th expected column; null when it is an unquoted empty field.</summary>
    public string? Field(int column) => row.Fields[index[column]];

    public string Required(int column) => Field(column) ?? throw Bad(column, "empty");

    public int Int(int column) =>
        int.TryParse(Required(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Bad(column, $"'{Field(column)}' is not an integer");

    public long Long(int column) =>
        long.TryParse(Required(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : throw Bad(column, $"'{Field(column)}' is not an integer");

    public bool Bool(int column) =>
        Required(column) switch
        {
            "true" => true,
            "false" => false,
            string s => throw Bad(column, $"'{s}' is not true or false"),
        };

    /// <summary>A time field (microseconds on the <see cref="RunClock"/>) as Stopwatch ticks from the run's origin.</summary>
    public long Ticks(int column) => Ticks(column, Required(column));

    /// <summary>One time out of a field that holds several.</summary>
    public long Ticks(int column, string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long us)
            ? RunClock.FromMicroseconds(us)
            : throw Bad(column, $"'{text}' is not an integer number of microseconds");

    public HarnessInputException Bad(int column, string why) => new($"{path}:{row.Line}: column '{columns[column]}': {why}");
}
