using static TorchSharp.torch;

namespace Harness.Engines.Llama.Compression;

/// <summary>Sees the inputs of a layer's matrix products during a libtorch forward (calibration).</summary>
public interface IActivationObserver
{
    /// <param name="input">[1, T, cols] activations in the compute dtype; valid only during the call.</param>
    void Observe(int layer, ActivationSite site, Tensor input);
}
