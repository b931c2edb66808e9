namespace Harness.Workloads.Traces;

/// <summary>One parsed trace row, before windowing, skipping and clipping.</summary>
/// <param name="Line">1-based line number in the file (the header is line 1 for CSV).</param>
/// <param name="Timestamp">Arrival on the trace's own clock; only differences between rows matter.</param>
/// <param name="InputTokens">Prompt tokens as the trace states them.</param>
/// <param name="OutputTokens">Output tokens as the trace states them.</param>
/// <param name="HashIds">Prefix-block ids (Mooncake), else empty.</param>
internal readonly record struct TraceRow(long Line, TimeSpan Timestamp, int InputTokens, int OutputTokens, IReadOnlyList<long> HashIds);
