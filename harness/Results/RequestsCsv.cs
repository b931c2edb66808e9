using System.Globalization;
using System.Text;
using Harness.Engines;
using Harness.Metrics;

namespace Harness.Results;

/// <summary>
/// <c>requests.csv</c>: one row per request (warm-up and failed ones included). Times are integer microseconds on the
/// <see cref="RunClock"/> (since the earliest <see cref="RequestRecord.ScheduledAt"/>); token times are
/// space-separated in one field.
/// </summary>
internal static class RequestsCsv
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "id", "variant", "repetition", "warmup", "scheduled_us", "sent_us", "compute_start_us", "completed_us",
        "input_tokens", "output_tokens", "finish_reason", "error", "token_times_us",
    ];

    public static void Write(TextWriter writer, IReadOnlyList<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(records);
        long origin = RunClock.Origin(records);
        string Us(long ticks) => RunClock.ToMicroseconds(ticks - origin).ToString(CultureInfo.InvariantCulture);

        writer.Write(CsvTable.Header(Columns));
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
    public static IReadOnlyList<RequestRecord> Read(TextReader reader, string path) => CsvTable.Read(reader, path, Columns, Parse);

    private static RequestRecord Parse(CsvRecord row)
    {
        string? tokenField = row.Field(12);
        long[] tokens = string.IsNullOrWhiteSpace(tokenField)
            ? []
            : [.. tokenField.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => row.Ticks(12, t))];
        string finish = row.Required(10);
        if (!Enum.TryParse(finish, ignoreCase: true, out FinishReason reason) || !Enum.IsDefined(reason) || int.TryParse(finish, out _))
        {
            throw row.Bad(10, $"unknown finish reason '{finish}' ({string.Join(", ", Enum.GetNames<FinishReason>().Select(n => n.ToLowerInvariant()))})");
        }

        return new RequestRecord(
            Id: row.Required(0),
            Variant: row.Required(1),
            Repetition: row.Int(2),
            IsWarmup: row.Bool(3),
            ScheduledAt: row.Ticks(4),
            SentAt: row.Ticks(5),
            ComputeStartAt: row.Field(6) is { } cs ? row.Ticks(6, cs) : null,
            TokenTimes: tokens,
            CompletedAt: row.Ticks(7),
            InputTokens: row.Int(8),
            OutputTokens: row.Int(9),
            FinishReason: reason,
            Error: row.Field(11));
    }
}
