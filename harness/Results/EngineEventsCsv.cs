using System.Globalization;
using System.Text;
using System.Text.Json;
using Harness.Engines;

namespace Harness.Results;

/// <summary>
/// <c>engine_events.csv</c>: one row per request event the engine reported (queued, prefill, recompute, decode,
/// preempted, prefix_hit, finished), in the engine's order per variant. Times are microseconds on the
/// <see cref="RunClock"/>, the same origin as <c>requests.csv</c>, so a request's engine events and its client record
/// line up by id and by time.
/// </summary>
internal static class EngineEventsCsv
{
    public const string FileName = "engine_events.csv";

    public static IReadOnlyList<string> Columns { get; } = ["variant", "request_id", "event", "start_us", "end_us", "step", "tokens"];

    private static readonly Dictionary<string, EngineEventKind> KindsByName =
        Enum.GetValues<EngineEventKind>().ToDictionary(Name, StringComparer.Ordinal);

    /// <summary>The event's name in the file: the kind in snake_case (<c>prefix_hit</c>).</summary>
    public static string Name(EngineEventKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    /// <param name="origin">The run's origin in Stopwatch ticks (<see cref="RunClock.Origin"/> of its records).</param>
    public static void Write(TextWriter writer, IReadOnlyList<VariantTelemetry> telemetry, long origin)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(telemetry);
        string Us(long ticks) => RunClock.ToMicroseconds(ticks - origin).ToString(CultureInfo.InvariantCulture);

        writer.Write(CsvTable.Header(Columns));
        var line = new StringBuilder();
        foreach (VariantTelemetry t in telemetry)
        {
            string variant = CsvFields.Escape(t.Variant);
            foreach (EngineRequestEvent e in t.Events)
            {
                line.Clear();
                line.Append(variant).Append(',')
                    .Append(CsvFields.Escape(e.RequestId)).Append(',')
                    .Append(Name(e.Kind)).Append(',')
                    .Append(Us(e.Start)).Append(',')
                    .Append(Us(e.End)).Append(',')
                    .Append(e.Step.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(e.Tokens.ToString(CultureInfo.InvariantCulture))
                    .Append('\n');
                writer.Write(line);
            }
        }
    }

    /// <summary>Reads the events back as Stopwatch ticks from the run's origin, each with its variant.</summary>
    /// <exception cref="HarnessInputException">A missing column or a malformed row; the message names file and line.</exception>
    public static IReadOnlyList<(string Variant, EngineRequestEvent Event)> Read(TextReader reader, string path) =>
        CsvTable.Read(reader, path, Columns, row =>
        {
            string name = row.Required(2);
            if (!KindsByName.TryGetValue(name, out EngineEventKind kind))
            {
                throw row.Bad(2, $"unknown event '{name}' ({string.Join(", ", KindsByName.Keys)})");
            }

            return (row.Required(0), new EngineRequestEvent(row.Required(1), kind, row.Ticks(3), row.Ticks(4), row.Int(5), row.Int(6)));
        });
}
