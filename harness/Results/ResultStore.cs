using System.Text;
using System.Text.Json;
using Harness.Engines;
using Harness.Metrics;

namespace Harness.Results;

/// <summary>
/// Reads and writes a run directory: <c>result.json</c> and <c>requests.csv</c> (one row per request, including
/// warm-up and failed ones, with every token timestamp), and, when the engine reported telemetry,
/// <c>engine_events.csv</c> and <c>engine_steps.csv</c> on the same clock. Each file is written to a temporary name
/// beside it and renamed into place, so none is ever seen half-written; <c>result.json</c> goes last, so its presence
/// means the other files are there too.
/// </summary>
internal static partial class ResultStore
{
    public const string ResultFile = "result.json";
    public const string RequestsFile = "requests.csv";

    public const string EngineEventsFile = EngineEventsCsv.FileName;
    public const string EngineStepsFile = EngineStepsCsv.FileName;

    /// <summary>
    /// Writes <c>result.json</c>, <c>requests.csv</c> and, when <paramref name="telemetry"/> has any variant, the two
    /// engine files into <paramref name="runDir"/> (created if needed).
    /// </summary>
    /// <param name="telemetry">Per variant, what the engine reported; null or empty when the engine reports nothing.</param>
    public static void Write(string runDir, RunResult result, IReadOnlyList<RequestRecord> records, IReadOnlyList<VariantTelemetry>? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(runDir);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(records);
        Directory.CreateDirectory(runDir);
        WriteText(Path.Combine(runDir, RequestsFile), writer => RequestsCsv.Write(writer, records));
        string eventsPath = Path.Combine(runDir, EngineEventsFile);
        string stepsPath = Path.Combine(runDir, EngineStepsFile);
        if (telemetry is { Count: > 0 })
        {
            long origin = RunClock.Origin(records);
            WriteText(eventsPath, writer => EngineEventsCsv.Write(writer, telemetry, origin));
            WriteText(stepsPath, writer => EngineStepsCsv.Write(writer, telemetry, origin));
        }
        else
        {
            // Absent files mean "no telemetry": a rewrite must not leave an earlier run's beside the new result.
            File.Delete(eventsPath);
            File.Delete(stepsPath);
        }

        WriteAtomically(Path.Combine(runDir, ResultFile), stream => JsonSerializer.Serialize(stream, result, ResultJson.Options));
    }

    /// <summary>Reads a run directory; bad or missing files raise <see cref="HarnessInputException"/> with one line.</summary>
    public static RunData Load(string runDir)
    {
        ArgumentNullException.ThrowIfNull(runDir);
        if (!Directory.Exists(runDir))
        {
            throw new HarnessInputException($"run directory '{runDir}' does not exist");
        }

        RunResult result = ReadResult(Path.Combine(runDir, ResultFile));
        string csvPath = Path.Combine(runDir, RequestsFile);
        if (!File.Exists(csvPath))
        {
            throw new HarnessInputException($"{csvPath} does not exist (a run directory holds {ResultFile} and {RequestsFile})");
        }

        IReadOnlyList<RequestRecord> records = ReadText(csvPath, RequestsCsv.Read);
        string eventsPath = Path.Combine(runDir, EngineEventsFile);
        string stepsPath = Path.Combine(runDir, EngineStepsFile);
        IReadOnlyList<(string, EngineRequestEvent)> events = File.Exists(eventsPath) ? ReadText(eventsPath, EngineEventsCsv.Read) : [];
        IReadOnlyList<(string, EngineStep)> steps = File.Exists(stepsPath) ? ReadText(stepsPath, EngineStepsCsv.Read) : [];
        return new RunData(runDir, result, records, VariantTelemetry.Group(events, steps));
    }

    private static T ReadText<T>(string path, Func<TextReader, string, T> read)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return read(reader, path);
    }

    private static void WriteText(string path, Action<TextWriter> write) =>
        WriteAtomically(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: -1, leaveOpen: true);
            write(writer);
        });

    private static RunResult ReadResult(string path)
    {
        if (!File.Exists(path))
        {
            throw new HarnessInputException($"{path} does not exist (a run directory holds {ResultFile} and {RequestsFile})");
        }

        try
        {
            byte[] bytes = File.ReadAllBytes(path);

            // The version is checked before binding, so a future schema reads as "unknown version", not as a field error.
            using (JsonDocument doc = JsonDocument.Parse(bytes))
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object
                    || !doc.RootElement.TryGetProperty("schema_version", out JsonElement version)
                    || !version.TryGetInt32(out int v))
                {
                    throw new HarnessInputException($"{path}: no integer 'schema_version' (not a result file?)");
                }

                if (v != RunResult.CurrentSchemaVersion)
                {
                    throw new HarnessInputException($"{path}: unknown schema_version {v} (this harness reads {RunResult.CurrentSchemaVersion})");
                }
            }

            return JsonSerializer.Deserialize<RunResult>(bytes, ResultJson.Options)
                ?? throw new HarnessInputException($"{path}: the result is null");
        }
        catch (JsonException ex)
        {
            string where = ex.LineNumber is long line ? $":{line + 1}" : string.Empty;
            throw new HarnessInputException($"{path}{where}: invalid result file: {OneLine(ex.Message)}", ex);
        }
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        string temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
