namespace Harness.Runner;

/// <summary>
/// Resets the kernel's peak-RSS mark (VmHWM) so each variant's peak is its own rather than the largest of all variants
/// run so far in this process. Linux only (writing 5 to /proc/self/clear_refs); elsewhere peaks stay cumulative.
/// </summary>
internal static class PeakRss
{
    public static bool TryReset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }
}
