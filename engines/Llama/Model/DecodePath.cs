namespace Harness.Engines.Llama.Model;

/// <summary>Which implementation runs single-token decode steps.</summary>
public enum DecodePath
{
    /// <summary>The project's SIMD kernels over the weights' memory (CPU; bandwidth-bound like decode itself).</summary>
    Kernels,

    /// <summary>libtorch ops, the same code as prefill (any device; on CPU about a third of the bandwidth roofline).</summary>
    Torch,
}
