using System.Diagnostics;
using System.Globalization;
using System.Text;
using Harness.Engines;
using Harness.Metrics;

namespace Harness.Results;

/// <summary>
/// <c>requests.csv</c>: one row per request (warm-up and failed ones included). Times are integer microseconds
/// relative to the earliest <see cref="RequestRecord.ScheduledAt"/> in the file, because a Stopwatch's origin is
/// arbitrary (boot time) and means nothing outside the process; token times are space-separated in one field.
/// </summary>
internal static class RequestsCsv
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "id", "variant", "repetition", "warmup", "scheduled_us", "sent_us", "compute_start_us", "completed_us",
        "input_tokens", "output_tokens", "finish_reason", "error", "token_times_us",
    ];

    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1e6;

    public static void Write(TextWriter writer, IReadOnlyList<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(records);
        long origin = records.Count == 0 ? 0 : records.Min(r => r.ScheduledAt);
        string Us(long ticks) => ToMicroseconds(ticks - origin).ToString(CultureInfo.InvariantCulture);

        writer.Write(string.Join(',', Columns));
        writer.Write('\n');
        var line = new StringBuilder();
        foreach (RequestRecord r in records)
        {
            line.Clear();
            line.Append(CsvFields.Escape(r.Id)).Append(',')
                .Append(CsvFields.Escape(r.Variant)).Append(',')
                .Append(r.Repetition.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.IsWarmup ? "true" : "false").Append(',')
                .Append(Us(r.ScheduledAt)).Append(',')
                .Append(Us(r.SentAt)).Append(',')
                .Append(r.ComputeStartAt is long cs ? Us(cs) : string.Empty).Append(',')
                .Append(Us(r.CompletedAt)).Append(',')
                .Append(r.InputTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.OutputTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.FinishReason.ToString().ToLowerInvariant()).Append(',')
                .Append(CsvFields.Escape(r.Error)).Append(',')
                .AppendJoin(' ', r.TokenTimes.Select(Us))
                .Append('\n');
            writer.Write(line);
        }
    }

    /// <summary>Reads the records back as Stopwatch ticks (origin 0 = the earliest scheduled time).</summary>
    /// <exception cref="HarnessInputException">A missing column or a malformed row; the message names file and line.</exception>
    public static IReadOnlyList<RequestRecord> Read(TextReader reader, string path)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var csv = new CsvRowReader(reader, path);
        CsvRow header = csv.Next() ?? throw new HarnessInputException($"{path}: empty file, expected a header ({string.Join(',', Columns)})");
        int[] index = new int[Columns.Count];
        for (int i = 0; i < Columns.Count; i++)
        {
            index[i] = IndexOf(header.Fields, Columns[i]);
            if (index[i] < 0)
            {
                throw new HarnessInputException($"{path}:{header.Line}: missing column '{Columns[i]}' (expected {string.Join(',', Columns)})");
            }
        }

        var records = new List<RequestRecord>();
        while (csv.Next() is { } row)
        {
            if (row.Fields.Count != header.Fields.Count)
            {
                throw new HarnessInputException($"{path}:{row.Line}: {row.Fields.Count} fields, the header has {header.Fields.Count}");
            }

            records.Add(new RowParser(row, index, path).Parse());
        }

        return records;
    }

    public static long ToMicroseconds(long ticks) => (long)Math.Round(ticks / TicksPerMicrosecond);

    public static long FromMicroseconds(long microseconds) => (long)Math.Round(microseconds * TicksPerMicrosecond);

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

    /// <summary>Turns one row into a record, naming the column and line of the first bad value.</summary>
    private sealed class RowParser(CsvRow row, int[] index, string path)
    {
        public RequestRecord Parse()
        {
            string? tokenField = Field(12);
            long[] tokens = string.IsNullOrWhiteSpace(tokenField)
                ? []
                : [.. tokenField.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => Ticks(12, t))];
            string finish = Required(10);
            if (!Enum.TryParse(finish, ignoreCase: true, out FinishReason reason) || !Enum.IsDefined(reason) || int.TryParse(finish, out _))
            {
                throw Bad(10, $"unknown finish reason '{finish}' ({string.Join(", ", Enum.GetNames<FinishReason>().Select(n => n.ToLowerInvariant()))})");
            }

            return new RequestRecord(
                Id: Required(0),
                Variant: Required(1),
                Repetition: Int(2),
                IsWarmup: Bool(3),
                ScheduledAt: Ticks(4, Required(4)),
                SentAt: Ticks(5, Required(5)),
                ComputeStartAt: Field(6) is { } cs ? Ticks(6, cs) : null,
                TokenTimes: tokens,
                CompletedAt: Ticks(7, Required(7)),
                InputTokens: Int(8),
                OutputTokens: Int(9),
                FinishReason: reason,
                Error: Field(11));
        }

        private string? Field(int column) => row.Fields[index[column]];

        private string Required(int column) => Field(column) ?? throw Bad(column, "empty");

        private int Int(int column) =>
            int.TryParse(Required(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Bad(column, $"'{Field(column)}' is not an integer");

        private bool Bool(int column) =>
            Required(column) switch
            {
                "true" => true,
                "false" => false,
                string s => throw Bad(column, $"'{s}' is not true or false"),
            };

        private long Ticks(int column, string text) =>
            long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long us)
                ? FromMicroseconds(us)
                : throw Bad(column, $"'{text}' is not an integer number of microseconds");

        private HarnessInputException Bad(int column, string why) => new($"{path}:{row.Line}: column '{Columns[column]}': {why}");
    }
}
