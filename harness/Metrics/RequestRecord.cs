using Harness.Engines;

namespace Harness.Metrics;

/// <summary>One request as measured on the client side. All times are <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
/// <param name="Id">Request id (joins engine timelines and client records).</param>
/// <param name="Variant">Scenario variant the request ran under.</param>
/// <param name="Repetition">Repetition number of the variant (0-based).</param>
/// <param name="IsWarmup">Warm-up requests are excluded from every statistic (and counted as such).</param>
/// <param name="ScheduledAt">When the load pattern said to send it; latencies count from here (open loop).</param>
/// <param name="SentAt">When the client actually handed it to the engine.</param>
/// <param name="ComputeStartAt">When the engine started its prefill, if the engine reports it.</param>
/// <param name="TokenTimes">Arrival of each output token (or streamed chunk), in order.</param>
/// <param name="CompletedAt">When the response finished (or failed).</param>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Output tokens the engine produced (engine-reported count).</param>
/// <param name="FinishReason">Why generation stopped.</param>
/// <param name="Error">Failure message, or null.</param>
/// <param name="OutputIds">The generated token ids, kept in memory for accuracy checks (load agreement); not written to
/// requests.csv, so null in records read back from a run directory.</param>
internal sealed record RequestRecord(
    string Id,
    string Variant,
    int Repetition,
    bool IsWarmup,
    long ScheduledAt,
    long SentAt,
    long? ComputeStartAt,
    long[] TokenTimes,
    long CompletedAt,
    int InputTokens,
    int OutputTokens,
    FinishReason FinishReason,
    string? Error,
    int[]? OutputIds = null)
{
    /// <summary>
    /// Completed = no error, stopped by length or EOS, and at least one token arrived. Anything else (errors,
    /// cancellations, empty responses) is failed: counted and reported, but kept out of latency percentiles.
    /// </summary>
    public bool Succeeded => Error is null && FinishReason is (FinishReason.Length or FinishReason.Eos) && TokenTimes.Length > 0;
}
