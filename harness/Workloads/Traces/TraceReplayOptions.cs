namespace Harness.Workloads.Traces;

/// <summary>How a trace is replayed.</summary>
/// <param name="TimeScale">Multiplies every gap: 0.1 replays 10x faster, 2 at half speed. Must be &gt; 0.</param>
/// <param name="WindowStartSeconds">Keep rows at or after this many seconds from the trace's first row.</param>
/// <param name="WindowEndSeconds">Keep rows before this many seconds from the trace's first row; null = to the end.</param>
/// <param name="MaxRequests">Stop after this many used requests; null = all.</param>
/// <param name="LengthScale">
/// Multiplies every input and output length and the size of prefix blocks (rounded, at least 1 token), before clipping:
/// 1/16 turns a trace of 8k-token prompts over 512-token shared blocks into 500-token prompts over 32-token blocks,
/// keeping which requests share which prefixes. Must be &gt; 0.
/// </param>
/// <param name="MaxContextTokens">
/// Clip lengths to fit this context: input to at most ctx - 1, then output so input + output &lt;= ctx. Null = no clipping.
/// </param>
internal sealed record TraceReplayOptions(
    double TimeScale = 1.0,
    double WindowStartSeconds = 0,
    double? WindowEndSeconds = null,
    int? MaxRequests = null,
    int? MaxContextTokens = null,
    double LengthScale = 1.0)
{
    public static TraceReplayOptions Default { get; } = new();
}
