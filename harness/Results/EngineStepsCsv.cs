using System.Globalization;
using System.Text;
using Harness.Engines;

namespace Harness.Results;

/// <summary>
/// <c>engine_steps.csv</c>: one row per scheduler step the engine reported (work done, queue lengths and KV cache
/// bytes at the step's end), in step order per variant. Times are microseconds on the <see cref="RunClock"/>, the same
/// origin as <c>requests.csv</c>.
/// </summary>
internal static class EngineStepsCsv
{
    public const string FileName = "engine_steps.csv";

    public static IReadOnlyList<string> Columns { get; } =
    [
        "variant", "step", "start_us", "end_us", "decode_sequences", "prefill_tokens", "running", "waiting",
        "kv_used_bytes", "kv_allocated_bytes", "kv_capacity_bytes",
    ];

    /// <param name="origin">The run's origin in Stopwatch ticks (<see cref="RunClock.Origin"/> of its records).</param>
    public static void Write(TextWriter writer, IReadOnlyList<VariantTelemetry> telemetry, long origin)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(telemetry);
        string Us(long ticks) => RunClock.ToMicroseconds(ticks - origin).ToString(CultureInfo.InvariantCulture);
        static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

        writer.Write(CsvTable.Header(Columns));
        var line = new StringBuilder();
        foreach (VariantTelemetry t in telemetry)
        {
            string variant = CsvFields.Escape(t.Variant);
            foreach (EngineStep s in t.Steps)
            {
                line.Clear();
                line.Append(variant).Append(',')
                    .Append(N(s.Index)).Append(',')
                    .Append(Us(s.Start)).Append(',')
                    .Append(Us(s.End)).Append(',')
                    .Append(N(s.DecodeSequences)).Append(',')
                    .Append(N(s.PrefillTokens)).Append(',')
                    .Append(N(s.Running)).Append(',')
                    .Append(N(s.Waiting)).Append(',')
                    .Append(N(s.KvUsedBytes)).Append(',')
                    .Append(N(s.KvAllocatedBytes)).Append(',')
                    .Append(N(s.KvCapacityBytes))
                    .Append('\n');
                writer.Write(line);
            }
        }
    }

    /// <summary>Reads the steps back as Stopwatch ticks from the run's origin, each with its variant.</summary>
    /// <exception cref="HarnessInputException">A missing column or a malformed row; the message names file and line.</exception>
    public static IReadOnlyList<(string Variant, EngineStep Step)> Read(TextReader reader, string path) =>
        CsvTable.Read(reader, path, Columns, row => (row.Required(0), new EngineStep(
            Index: row.Int(1),
            Start: row.Ticks(2),
            End: row.Ticks(3),
            DecodeSequences: row.Int(4),
            PrefillTokens: row.Int(5),
            Running: row.Int(6),
            Waiting: row.Int(7),
            KvUsedBytes: row.Long(8),
            KvAllocatedBytes: row.Long(9),
            KvCapacityBytes: row.Long(10))));
}
