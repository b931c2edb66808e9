namespace Harness.Engines.Llama.KvCache;

/// <summary>How sequences' KV memory is laid out (engine option <c>kv_layout</c>).</summary>
public enum KvLayout
{
    /// <summary>A whole-context cache preallocated per sequence.</summary>
    Contiguous,

    /// <summary>Fixed-size blocks of a shared pool, allocated as a sequence grows (PagedAttention).</summary>
    Paged,
}
