using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Parallel;

/// <summary>
/// The rows of one forward pass as every rank reads them: token ids[r] at positions[r] of kv[r], and whether row r
/// emits logits (into <see cref="Logits"/>, [emitted, vocab] in row order). Filled by the decoder before the ranks start
/// and read-only while they run.
/// </summary>
internal sealed unsafe class StepRows(int capacity)
{
    public int[] Ids { get; } = new int[capacity];

    public int[] Positions { get; } = new int[capacity];

    public bool[] Emit { get; } = new bool[capacity];

    public IReadOnlyList<IKvSequence> Kv { get; set; } = [];

    public int Count { get; set; }

    public int Emitted { get; set; }

    /// <summary>[Emitted, vocab], pinned by the caller for the pass.</summary>
    public float* Logits { get; set; }
}
