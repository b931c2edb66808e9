namespace Harness.Engines.Llama.Model;

/// <summary>Makes <see cref="KernelDecoder"/>s over the engine's thread count, split over tensor-parallel ranks.</summary>
/// <param name="maxBatch">Sequences one decode step may carry (the engine's max_batch).</param>
/// <param name="tensorParallel">Ranks; the threads are shared out among them.</param>
public sealed class KernelDecoderFactory(int threads, int maxBatch = 1, int tensorParallel = 1) : IDecodeStepFactory
{
    public IDecodeStep Create(LlamaModel model) => new KernelDecoder(model, threads, maxBatch, tensorParallel);
}
