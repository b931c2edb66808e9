using Harness.Engines.Llama.Kernels;

namespace Harness.Engines.Llama.Model;

/// <summary>Makes <see cref="KernelDecoder"/>s, each with its own worker pool of the engine's thread count.</summary>
/// <param name="maxBatch">Sequences one decode step may carry (the engine's max_batch).</param>
public sealed class KernelDecoderFactory(int threads, int maxBatch = 1) : IDecodeStepFactory
{
    public IDecodeStep Create(LlamaModel model) => new KernelDecoder(model, new KernelThreadPool(threads), maxBatch);
}
