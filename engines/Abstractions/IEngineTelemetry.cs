namespace Harness.Engines;

/// <summary>
/// Implemented by engines that can say what their scheduler did: when each request was queued, prefilled, decoded,
/// preempted and finished, and the KV cache's use at every step. The harness drains it after each load run and joins
/// it to the client-side records by request id.
/// </summary>
public interface IEngineTelemetry
{
    /// <summary>Returns everything recorded since the previous call (or since the engine was built) and forgets it.</summary>
    EngineTrace Drain();
}
