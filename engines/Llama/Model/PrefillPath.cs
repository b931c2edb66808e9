namespace Harness.Engines.Llama.Model;

/// <summary>Where prompts (and sequences scored for accuracy) run.</summary>
public enum PrefillPath
{
    /// <summary>libtorch over the whole weights: GEMMs, the fastest prefill on one device.</summary>
    Torch,

    /// <summary>The kernel decoder, chunks of rows at a time: the path that runs tensor-parallel.</summary>
    Kernels,
}
