namespace Harness.Engines;

/// <summary>Reads the process's resident memory from the kernel.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM) in bytes; falls back to the runtime's peak working set.</summary>
    public static long PeakRssBytes() => ReadStatusKb("VmHWM:") is { } kb ? kb * 1024 : Environment.WorkingSet;

    /// <summary>Current resident set size (VmRSS) in bytes.</summary>
    public static long RssBytes() => ReadStatusKb("VmRSS:") is { } kb ? kb * 1024 : Environment.WorkingSet;

    private static long? ReadStatusKb(string key)
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status))
        {
            return null;
        }

        foreach (string line in File.ReadLines(Status))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                string[] parts = line[key.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.TryParse(parts[0], out long kb) ? kb : null;
            }
        }

        return null;
    }
}
