namespace Harness.Engines.Options;

/// <summary>Engine options as a command line gives them: repeated <c>--set key=value</c>.</summary>
public static class OptionPairs
{
    /// <summary>The entries as a map; a key given twice keeps its last value, as on most command lines.</summary>
    /// <exception cref="EngineException">An entry without '=' or without a key.</exception>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || entry[..eq].Trim().Length == 0)
            {
                throw new EngineException($"--set '{entry}': expected key=value, e.g. precision=int4");
            }

            map[entry[..eq].Trim()] = entry[(eq + 1)..].Trim();
        }

        return map;
    }
}
