namespace Harness.Workloads.Traces;

/// <summary>
/// BurstGPT rows. Columns are found by name because releases differ: later files add <c>Session ID</c> and
/// <c>Elapsed time</c> columns, and their position is not fixed. Timestamp is in seconds from the trace's day start.
/// </summary>
internal sealed class BurstGptRowParser : ITraceRowParser
{
    private readonly string _path;
    private readonly int _columns;
    private readonly int _timestamp;
    private readonly int _request;
    private readonly int _response;

    private BurstGptRowParser(string path, int columns, int timestamp, int request, int response)
    {
        _path = path;
        _columns = columns;
        _timestamp = timestamp;
        _request = request;
        _response = response;
    }

    public TraceFormat Format => TraceFormat.BurstGpt;

    public bool FirstLineIsData => false;

    /// <summary>A parser when the header names Timestamp, Request tokens and Response tokens; otherwise null.</summary>
    public static BurstGptRowParser? TryCreate(string path, string[] header)
    {
        ArgumentNullException.ThrowIfNull(header);
        int Find(string name) => Array.FindIndex(header, h => h.Trim().Equals(name, StringComparison.OrdinalIgnoreCase));
        int timestamp = Find("Timestamp");
        int request = Find("Request tokens");
        int response = Find("Response tokens");
        return timestamp < 0 || request < 0 || response < 0 ? null : new BurstGptRowParser(path, header.Length, timestamp, request, response);
    }

    public TraceRow Parse(string line, long lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);

        // The fields used are numbers and the rest (model, log type) hold no commas, so a plain split is exact.
        string[] fields = line.Split(',');
        if (fields.Length != _columns)
        {
            throw TraceParse.Error(_path, lineNumber, $"expected {_columns} comma-separated fields as in the header, got {fields.Length}");
        }

        double seconds = TraceParse.Number(_path, lineNumber, "Timestamp", fields[_timestamp]);
        int input = TraceParse.Tokens(_path, lineNumber, "Request tokens", fields[_request]);
        int output = TraceParse.Tokens(_path, lineNumber, "Response tokens", fields[_response]);
        return new TraceRow(lineNumber, TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), input, output, []);
    }
}
