using System.Globalization;

namespace Harness.Workloads.Traces;

/// <summary>Reads a trace file (format detected from its first line) into a workload with arrival times.</summary>
internal static class TraceReplay
{
    /// <summary>
    /// Loads <paramref name="path"/>. Arrivals are offsets from the window start (the trace's first row plus
    /// <see cref="TraceReplayOptions.WindowStartSeconds"/>), multiplied by <see cref="TraceReplayOptions.TimeScale"/>.
    /// Rows with 0 input or 0 output tokens are skipped and counted: they are failed requests, not work to replay.
    /// </summary>
    /// <exception cref="HarnessInputException">Missing or empty file, unknown header, malformed row, bad options.</exception>
    public static TraceReplayResult Load(string path, TraceReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= TraceReplayOptions.Default;
        Validate(options);
        if (!File.Exists(path))
        {
            throw new HarnessInputException($"{path}: trace file not found");
        }

        string name = Path.GetFileName(path);
        using StreamReader reader = new(path);
        string? first = reader.ReadLine();
        if (first is null || first.Trim().Length == 0)
        {
            throw new HarnessInputException($"{path}: trace file is empty");
        }

        ITraceRowParser parser = TraceFormatDetector.Detect(path, first);
        List<WorkloadRequest> requests = [];
        int rowsRead = 0;
        int zeroToken = 0;
        int outsideWindow = 0;
        int clipped = 0;
        long inputSum = 0;
        long outputSum = 0;
        TimeSpan? traceStart = null;
        TimeSpan firstUsed = TimeSpan.MaxValue;
        TimeSpan lastUsed = TimeSpan.MinValue;
        TimeSpan windowStart = TimeSpan.FromSeconds(options.WindowStartSeconds);
        TimeSpan windowEnd = options.WindowEndSeconds is double end ? TimeSpan.FromSeconds(end) : TimeSpan.MaxValue;

        long lineNumber = parser.FirstLineIsData ? 0 : 1;
        for (string? line = parser.FirstLineIsData ? first : reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (options.MaxRequests is int max && requests.Count >= max)
            {
                break;
            }

            TraceRow row = parser.Parse(line, lineNumber);
            rowsRead++;
            traceStart ??= row.Timestamp;
            TimeSpan offset = row.Timestamp - traceStart.Value;
            if (offset < windowStart || offset >= windowEnd)
            {
                outsideWindow++;
                continue;
            }

            if (row.InputTokens == 0 || row.OutputTokens == 0)
            {
                zeroToken++;
                continue;
            }

            (int input, int output, bool wasClipped) = Clip(Scale(row.InputTokens, options.LengthScale), Scale(row.OutputTokens, options.LengthScale), options.MaxContextTokens);
            clipped += wasClipped ? 1 : 0;
            inputSum += input;
            outputSum += output;
            firstUsed = row.Timestamp < firstUsed ? row.Timestamp : firstUsed;
            lastUsed = row.Timestamp > lastUsed ? row.Timestamp : lastUsed;
            TimeSpan arrival = TimeSpan.FromTicks((long)Math.Round((offset - windowStart).Ticks * options.TimeScale));
            requests.Add(new WorkloadRequest(requests.Count, arrival, input, output, name + ":" + lineNumber.ToString(CultureInfo.InvariantCulture))
            {
                PrefixBlocks = row.HashIds,
                PrefixBlockTokens = row.HashIds.Count > 0 ? Scale(MooncakeRowParser.BlockTokens, options.LengthScale) : 0,
                Clipped = wasClipped,
            });
        }

        double traceDuration = requests.Count > 0 ? (lastUsed - firstUsed).TotalSeconds : 0;
        int used = requests.Count;
        TraceReplayStats stats = new(
            name,
            parser.Format,
            rowsRead,
            used,
            zeroToken,
            outsideWindow,
            clipped,
            traceDuration,
            traceDuration * options.TimeScale,
            used > 0 ? (double)inputSum / used : double.NaN,
            used > 0 ? (double)outputSum / used : double.NaN);
        return new TraceReplayResult(requests, stats);
    }

    /// <summary>A length times the replay's length scale, rounded, at least 1.</summary>
    public static int Scale(int tokens, double scale) => scale == 1.0 ? tokens : Math.Max(1, (int)Math.Round(tokens * scale, MidpointRounding.AwayFromZero));

    /// <summary>Input to at most ctx - 1 (one slot must stay for output), then output so input + output &lt;= ctx.</summary>
    public static (int Input, int Output, bool Clipped) Clip(int input, int output, int? maxContext)
    {
        if (maxContext is not int ctx)
        {
            return (input, output, false);
        }

        int newInput = Math.Min(input, ctx - 1);
        int newOutput = Math.Min(output, ctx - newInput);
        return (newInput, newOutput, newInput != input || newOutput != output);
    }

    private static void Validate(TraceReplayOptions o)
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new HarnessInputException(message);
            }
        }

        Require(o.TimeScale > 0 && double.IsFinite(o.TimeScale), $"trace time scale must be > 0, got {o.TimeScale.ToString(CultureInfo.InvariantCulture)}");
        Require(o.WindowStartSeconds >= 0, "trace window start must be >= 0 seconds");
        Require(o.WindowEndSeconds is null || o.WindowEndSeconds > o.WindowStartSeconds, "trace window end must be after its start");
        Require(o.MaxRequests is null || o.MaxRequests >= 1, "trace max requests must be >= 1");
        Require(o.MaxContextTokens is null || o.MaxContextTokens >= 2, "max context must be >= 2 tokens to clip a trace");
    }
}
