namespace Harness.Engines;

/// <summary>The engine options one variant of a scenario sets; each is a swap of a small part of the engine.</summary>
/// <param name="Precision">Weight precision: fp32, bf16 (more in later engines).</param>
/// <param name="Attention">fused (one library kernel) or unfused (scores, mask, softmax, values as separate steps).</param>
/// <param name="Batching">Batching policy name.</param>
/// <param name="MaxBatch">Most sequences in flight at once.</param>
/// <param name="TensorParallel">Tensor-parallel size.</param>
/// <param name="Threads">Compute threads; 0 means one per core.</param>
/// <param name="Device">cpu or cuda[:N].</param>
/// <param name="MaxContext">KV cache length per sequence; 0 means the model's own limit.</param>
/// <param name="Extra">Engine-specific options, passed through by name.</param>
public sealed record EngineOptions(
    string Precision = "fp32",
    string Attention = "fused",
    string Batching = "none",
    int MaxBatch = 1,
    int TensorParallel = 1,
    int Threads = 0,
    string Device = "cpu",
    int MaxContext = 0,
    IReadOnlyDictionary<string, string>? Extra = null)
{
    public static EngineOptions Default { get; } = new();
}
