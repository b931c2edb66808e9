namespace Harness.Engines;

/// <summary>One generated token as the engine streams it.</summary>
/// <param name="TokenId">The token.</param>
/// <param name="Index">0 for the first generated token, then 1, 2, ...</param>
/// <param name="Timestamp">When the token was ready, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
/// <param name="Finish">Set on the last token of the request: why generation stopped.</param>
/// <param name="ComputeStart">
/// On the first token only: when the engine started computing this request (its prefill), in Stopwatch ticks, so the
/// harness can split time to first token into queueing and prefill.
/// </param>
public readonly record struct TokenEvent(int TokenId, int Index, long Timestamp, FinishReason? Finish = null, long? ComputeStart = null);
