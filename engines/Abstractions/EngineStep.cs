namespace Harness.Engines;

/// <summary>One scheduler step (prefill work plus one decode pass over the running sequences); times are Stopwatch ticks.</summary>
/// <param name="Index">0, 1, ... since the engine was built.</param>
/// <param name="Start">When the step began.</param>
/// <param name="End">When its tokens were streamed.</param>
/// <param name="DecodeSequences">Sequences that produced a token in the step's decode pass.</param>
/// <param name="PrefillTokens">Prompt (or recomputed) positions computed in the step.</param>
/// <param name="Running">Sequences holding KV memory at the end of the step.</param>
/// <param name="Waiting">Requests queued in the engine (not yet admitted, or preempted) at the end of the step.</param>
/// <param name="KvUsedBytes">Bytes of K/V holding stored tokens at the end of the step.</param>
/// <param name="KvAllocatedBytes">Bytes set aside for the running sequences (whole contexts, or their blocks).</param>
/// <param name="KvCapacityBytes">Bytes the KV cache may use in all (the budget, or the slots' preallocation).</param>
public readonly record struct EngineStep(
    int Index,
    long Start,
    long End,
    int DecodeSequences,
    int PrefillTokens,
    int Running,
    int Waiting,
    long KvUsedBytes,
    long KvAllocatedBytes,
    long KvCapacityBytes);
