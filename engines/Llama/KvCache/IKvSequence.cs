using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.KvCache;

/// <summary>
/// Where one sequence's keys and values live, as the decode kernels see them: a contiguous per-sequence cache
/// (<see cref="ContiguousKvCache"/>) or blocks of a shared pool (<see cref="PagedSequence"/>). The kernels store each
/// new position's K/V here and attend over the positions stored; the caller advances <see cref="Length"/>.
/// </summary>
public unsafe interface IKvSequence
{
    /// <summary>Positions [0, Length) hold valid keys and values.</summary>
    int Length { get; set; }

    /// <summary>Positions the sequence has room for now (a paged one grows on demand).</summary>
    int Capacity { get; }

    /// <summary>
    /// Stores one position's K and V of one layer for the KV heads of <paramref name="heads"/>; key and value are
    /// [slice kvHeads · headDim], kv head major.
    /// </summary>
    void Store(int layer, int position, float* key, float* value, HeadSlice heads);

    /// <summary>
    /// One query position, q [slice heads · headDim], attends positions [0, length) of one layer over the query heads of
    /// <paramref name="heads"/>; output [slice heads · headDim]. <paramref name="scores"/> is [slice heads, maxContext]
    /// scratch for the unfused kind.
    /// </summary>
    void Attend(KernelThreadPool pool, AttentionShape shape, HeadSlice heads, AttentionKind kind, int layer, float* q, int length, float* output, float* scores);
}
