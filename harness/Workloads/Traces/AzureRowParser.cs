using System.Globalization;

namespace Harness.Workloads.Traces;

/// <summary>Azure LLM inference trace 2023 rows: <c>YYYY-MM-DD HH:MM:SS.fffffff,context,generated</c>.</summary>
internal sealed class AzureRowParser(string path) : ITraceRowParser
{
    // Seven fractional digits in nearly every row; one row in the public files has none, which "FFFFFFF" with the
    // plain-seconds fallback accepts.
    private static readonly string[] TimestampFormats = ["yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss"];

    public TraceFormat Format => TraceFormat.Azure2023;

    public bool FirstLineIsData => false;

    public static bool Matches(string[] columns) =>
        columns.Length == 3
        && columns[0].Trim().Equals("TIMESTAMP", StringComparison.OrdinalIgnoreCase)
        && columns[1].Trim().Equals("ContextTokens", StringComparison.OrdinalIgnoreCase)
        && columns[2].Trim().Equals("GeneratedTokens", StringComparison.OrdinalIgnoreCase);

    public TraceRow Parse(string line, long lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        ReadOnlySpan<char> s = line.AsSpan();
        int c1 = s.IndexOf(',');
        int c2 = c1 < 0 ? -1 : s[(c1 + 1)..].IndexOf(',');
        if (c1 < 0 || c2 < 0 || s[(c1 + c2 + 2)..].Contains(','))
        {
            throw TraceParse.Error(path, lineNumber, $"expected 3 comma-separated fields, got '{line}'");
        }

        c2 += c1 + 1;
        ReadOnlySpan<char> stamp = s[..c1].Trim();
        if (!DateTime.TryParseExact(stamp, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime time))
        {
            throw TraceParse.Error(path, lineNumber, $"TIMESTAMP '{stamp.ToString()}' is not 'YYYY-MM-DD HH:MM:SS.fffffff'");
        }

        int input = TraceParse.Tokens(path, lineNumber, "ContextTokens", s[(c1 + 1)..c2]);
        int output = TraceParse.Tokens(path, lineNumber, "GeneratedTokens", s[(c2 + 1)..]);
        return new TraceRow(lineNumber, TimeSpan.FromTicks(time.Ticks), input, output, []);
    }
}
