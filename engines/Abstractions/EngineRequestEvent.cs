namespace Harness.Engines;

/// <summary>One thing that happened to one request inside the engine; times are Stopwatch ticks.</summary>
/// <param name="RequestId">The <see cref="GenerationRequest.Id"/> it belongs to.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Start">When it began (instant events: when it happened).</param>
/// <param name="End">When it ended (instant events: equal to <paramref name="Start"/>).</param>
/// <param name="Step">The scheduler step it belongs to, or -1.</param>
/// <param name="Tokens">Positions computed (prefill, recompute) or found cached (prefix hit); otherwise 0.</param>
public readonly record struct EngineRequestEvent(string RequestId, EngineEventKind Kind, long Start, long End, int Step, int Tokens);
