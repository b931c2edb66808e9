namespace Harness.Workloads.Traces;

/// <summary>The trace layouts the harness replays; see shared/traces/SOURCES.md for their origins and quirks.</summary>
internal enum TraceFormat
{
    /// <summary>Azure LLM inference trace 2023: CSV <c>TIMESTAMP,ContextTokens,GeneratedTokens</c>, wall-clock timestamps.</summary>
    Azure2023,

    /// <summary>BurstGPT: CSV with named columns (Timestamp in seconds, Request tokens, Response tokens, ...) in any order.</summary>
    BurstGpt,

    /// <summary>Mooncake (FAST'25): JSONL with timestamp (ms), input_length, output_length, hash_ids (512-token blocks).</summary>
    Mooncake,
}
