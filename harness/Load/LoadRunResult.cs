using Harness.Metrics;

namespace Harness.Load;

/// <summary>What one load run produced.</summary>
/// <param name="Records">One record per request that was sent, in send order.</param>
/// <param name="NotSent">Requests never sent (duration limit or cancellation).</param>
/// <param name="LatenessP99Ms">p99 of (actual send - scheduled send), nearest rank; 0 when nothing was sent.</param>
/// <param name="StoppedByDuration">True when the duration limit stopped sending.</param>
internal sealed record LoadRunResult(IReadOnlyList<RequestRecord> Records, int NotSent, double LatenessP99Ms, bool StoppedByDuration);
