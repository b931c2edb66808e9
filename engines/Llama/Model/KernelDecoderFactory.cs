using Harness.Engines.Llama.Kernels;

namespace Harness.Engines.Llama.Model;

/// <summary>Makes <see cref="KernelDecoder"/>s, each with its own worker pool of the engine's thread count.</summary>
public sealed class KernelDecoderFactory(int threads) : IDecodeStepFactory
{
    public IDecodeStep Create(LlamaModel model) => new KernelDecoder(model, new KernelThreadPool(threads));
}
