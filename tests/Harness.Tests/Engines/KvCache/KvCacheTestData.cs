using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Tests.Engines.KvCache;

/// <summary>Small configs and pools for the KV cache and paged attention tests.</summary>
internal static class KvCacheTestData
{
    /// <summary>2 layers, 3 kv heads of 24: 2·2·3·24·4 = 1152 bytes per token.</summary>
    public static LlamaConfig Config(int layers = 2, int heads = 9, int kvHeads = 3, int headDim = 24) => new LlamaConfig
    {
        ModelType = "llama",
        VocabSize = 100,
        HiddenSize = heads * headDim,
        IntermediateSize = 64,
        NumLayers = layers,
        NumHeads = heads,
        NumKvHeads = kvHeads,
        HeadDim = headDim,
        MaxPositions = 4096,
    }.Validate();

    /// <summary>
    /// A pool whose free list hands blocks out in a seeded shuffled order, so block tables get scattered,
    /// non-consecutive blocks.
    /// </summary>
    public static KvBlockPool ScatteredPool(int layers, int kvHeads, int headDim, int blockSize, int numBlocks, int seed)
    {
        var pool = new KvBlockPool(layers, kvHeads, headDim, blockSize, numBlocks);
        int[] all = new int[numBlocks];
        for (int i = 0; i < numBlocks; i++)
        {
            all[i] = pool.Allocate();
        }

        new Random(seed).Shuffle(all);
        foreach (int block in all)
        {
            pool.Free(block);
        }

        return pool;
    }
}
