namespace Harness.Workloads.Traces;

/// <summary>What a replay read, kept and changed, so a report can state exactly what was replayed.</summary>
/// <param name="File">The trace file's name.</param>
/// <param name="Format">Detected format.</param>
/// <param name="RowsRead">Data rows parsed (fewer than the file holds when <c>MaxRequests</c> stopped reading early).</param>
/// <param name="RowsUsed">Rows that became requests.</param>
/// <param name="SkippedZeroToken">Rows skipped for 0 input or 0 output tokens (failed requests in BurstGPT).</param>
/// <param name="SkippedOutsideWindow">Rows outside the time window.</param>
/// <param name="Clipped">Used requests whose lengths were cut to the context.</param>
/// <param name="TraceDurationSeconds">First to last used arrival on the trace's own clock (no scaling).</param>
/// <param name="ReplayDurationSeconds">The same span after time scaling: how long the replay's arrivals last.</param>
/// <param name="InputMean">Mean input tokens of the used requests (after clipping).</param>
/// <param name="OutputMean">Mean output tokens of the used requests (after clipping).</param>
internal sealed record TraceReplayStats(
    string File,
    TraceFormat Format,
    int RowsRead,
    int RowsUsed,
    int SkippedZeroToken,
    int SkippedOutsideWindow,
    int Clipped,
    double TraceDurationSeconds,
    double ReplayDurationSeconds,
    double InputMean,
    double OutputMean)
{
    /// <summary>Used requests per second of trace time (count / duration, as SOURCES.md computes it).</summary>
    public double TraceRatePerSecond => TraceDurationSeconds > 0 ? RowsUsed / TraceDurationSeconds : double.NaN;

    /// <summary>Requests per second the replay offers after time scaling.</summary>
    public double ReplayRatePerSecond => ReplayDurationSeconds > 0 ? RowsUsed / ReplayDurationSeconds : double.NaN;
}
