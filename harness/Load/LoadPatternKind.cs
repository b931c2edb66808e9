namespace Harness.Load;

/// <summary>How the load generator releases requests.</summary>
internal enum LoadPatternKind
{
    /// <summary>Every request at t = 0; the engine queues them (throughput / saturation).</summary>
    Offline,

    /// <summary>N requests in flight; the next is sent when one completes (closed loop). Single stream is N = 1.</summary>
    ClosedLoop,

    /// <summary>Each request at its own deadline on the schedule, whether or not earlier ones finished.</summary>
    OpenLoop,
}
