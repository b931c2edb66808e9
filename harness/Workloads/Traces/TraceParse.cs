using System.Globalization;

namespace Harness.Workloads.Traces;

/// <summary>Field parsing shared by the row parsers, with errors that point at the file and line.</summary>
internal static class TraceParse
{
    public static int Tokens(string path, long line, string column, ReadOnlySpan<char> text)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0)
        {
            throw Error(path, line, $"{column} '{text.ToString()}' is not a non-negative integer");
        }

        return value;
    }

    public static double Number(string path, long line, string column, ReadOnlySpan<char> text)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw Error(path, line, $"{column} '{text.ToString()}' is not a number");
        }

        return value;
    }

    public static HarnessInputException Error(string path, long line, string what) =>
        new($"{path}:{line.ToString(CultureInfo.InvariantCulture)}: {what}");
}
