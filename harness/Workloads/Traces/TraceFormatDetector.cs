namespace Harness.Workloads.Traces;

/// <summary>Recognises a trace's format from its first line.</summary>
internal static class TraceFormatDetector
{
    /// <summary>Returns the parser for the file whose first line is <paramref name="firstLine"/>.</summary>
    /// <exception cref="HarnessInputException">The header matches no known format; the message quotes it.</exception>
    public static ITraceRowParser Detect(string path, string firstLine)
    {
        ArgumentNullException.ThrowIfNull(firstLine);
        string trimmed = firstLine.Trim().TrimStart('\uFEFF');
        if (trimmed.StartsWith('{'))
        {
            if (trimmed.Contains("\"timestamp\"", StringComparison.Ordinal) && trimmed.Contains("\"input_length\"", StringComparison.Ordinal))
            {
                return new MooncakeRowParser(path);
            }
        }
        else
        {
            string[] columns = trimmed.Split(',');
            if (AzureRowParser.Matches(columns))
            {
                return new AzureRowParser(path);
            }

            if (BurstGptRowParser.TryCreate(path, columns) is { } burst)
            {
                return burst;
            }
        }

        string shown = trimmed.Length > 120 ? trimmed[..120] + "..." : trimmed;
        throw new HarnessInputException(
            $"{path}: unrecognised trace header '{shown}' (expected Azure 2023 'TIMESTAMP,ContextTokens,GeneratedTokens', BurstGPT 'Timestamp,...,Request tokens,Response tokens,...' or Mooncake JSONL with timestamp/input_length/output_length)");
    }
}
