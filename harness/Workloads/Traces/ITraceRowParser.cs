namespace Harness.Workloads.Traces;

/// <summary>Parses the data lines of one trace format; built from the file's first line.</summary>
internal interface ITraceRowParser
{
    TraceFormat Format { get; }

    /// <summary>True when the first line is a record (JSONL) rather than a header.</summary>
    bool FirstLineIsData { get; }

    /// <summary>Parses a data line; a malformed line throws <see cref="HarnessInputException"/> naming file and line.</summary>
    TraceRow Parse(string line, long lineNumber);
}
