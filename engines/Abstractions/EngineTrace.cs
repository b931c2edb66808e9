namespace Harness.Engines;

/// <summary>What an engine's scheduler did over a stretch of time: per-request events and one sample per step.</summary>
/// <param name="KvLayout">"contiguous" (each sequence preallocates the whole context) or "paged" (blocks on demand).</param>
/// <param name="BlockSize">Token slots per KV block (paged), or the per-sequence context (contiguous).</param>
/// <param name="BytesPerToken">K and V of one token over all layers.</param>
/// <param name="MaxContext">Tokens one sequence may hold.</param>
/// <param name="Events">Request events in the order they happened.</param>
/// <param name="Steps">Scheduler steps in order.</param>
/// <param name="PrefixHitTokens">Prompt tokens served from the prefix cache.</param>
/// <param name="PrefixMissTokens">Prompt tokens looked up in the prefix cache and computed (0 when it is off).</param>
/// <param name="Parallel">The tensor-parallel split and its time breakdown; null for an engine that runs unsplit.</param>
public sealed record EngineTrace(
    string KvLayout,
    int BlockSize,
    long BytesPerToken,
    int MaxContext,
    IReadOnlyList<EngineRequestEvent> Events,
    IReadOnlyList<EngineStep> Steps,
    long PrefixHitTokens,
    long PrefixMissTokens,
    TensorParallelProfile? Parallel = null)
{
    public int Preemptions => Events.Count(e => e.Kind == EngineEventKind.Preempted);
}
