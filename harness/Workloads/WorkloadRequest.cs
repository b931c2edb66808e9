namespace Harness.Workloads;

/// <summary>One request of a workload, before it is turned into prompt ids and sent.</summary>
/// <param name="Index">Position in the workload (0-based); prompt contents and ids are derived from it.</param>
/// <param name="Arrival">
/// Offset from the run start at which the request is due (trace replay), or null when the load pattern (rate,
/// concurrency) decides.
/// </param>
/// <param name="InputTokens">Prompt length in tokens (after any clipping).</param>
/// <param name="OutputTokens">Tokens to generate (after any clipping).</param>
/// <param name="Source">Where the request came from, e.g. "azure-conv-2023.csv:1234" or "synthetic:17".</param>
internal sealed record WorkloadRequest(int Index, TimeSpan? Arrival, int InputTokens, int OutputTokens, string Source)
{
    /// <summary>Synthetic shared-prefix group, or null when the request shares no prefix by construction.</summary>
    public int? PrefixGroup { get; init; }

    /// <summary>
    /// Ids of the prompt's leading blocks, in order; requests that start with the same ids share that prefix (same id,
    /// same tokens). Mooncake's hash_ids (512 tokens each) or one block per synthetic group. Empty when none.
    /// </summary>
    public IReadOnlyList<long> PrefixBlocks { get; init; } = [];

    /// <summary>Tokens per entry of <see cref="PrefixBlocks"/> (the last block may be cut by <see cref="InputTokens"/>).</summary>
    public int PrefixBlockTokens { get; init; }

    /// <summary>True when trace lengths were cut to fit the context (see <c>TraceReplayOptions.MaxContextTokens</c>).</summary>
    public bool Clipped { get; init; }
}
