using Harness.Engines;
using Harness.Engines.Llama;

namespace Harness.Tests.Engines.Llama;

/// <summary>
/// Whatever the batching mode and however requests interleave, every request's greedy output equals its
/// single-stream output (property test over random arrivals, prompt and output lengths).
/// </summary>
public sealed class BatchingEquivalenceTests
{
    private static LlamaEngine Stories(string batching, int maxBatch) =>
        LlamaEngineFactory.Create(
            $"llama2c:{SharedData.Stories260K}",
            new EngineOptions(Threads: 2, MaxContext: 256, Batching: batching, MaxBatch: maxBatch));

    [Theory]
    [InlineData("continuous", 4, 1)]
    [InlineData("continuous", 3, 2)]
    [InlineData("continuous", 16, 3)]
    [InlineData("static", 4, 4)]
    public async Task GreedyOutputsEqualSingleStreamUnderRandomArrivals(string batching, int maxBatch, int seed)
    {
        var random = new Random(seed);
        GenerationRequest[] requests = [.. Enumerable.Range(0, 12).Select(i => new GenerationRequest(
            $"r{i}",
            [1, .. Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(2, 512))],
            random.Next(1, 60),
            SamplingParams.Greedy,
            IgnoreEos: random.Next(2) == 0))];
        int[] delaysMs = [.. requests.Select(_ => random.Next(0, 30))];

        Dictionary<string, int[]> expected;
        using (LlamaEngine single = Stories("none", 1))
        {
            expected = [];
            foreach (GenerationRequest r in requests)
            {
                expected[r.Id] = await Collect(single, r);
            }
        }

        using LlamaEngine batched = Stories(batching, maxBatch);
        Task<int[]>[] runs = [.. requests.Select(async (r, i) =>
        {
            await Task.Delay(delaysMs[i]);
            return await Collect(batched, r);
        })];
        int[][] actual = await Task.WhenAll(runs);

        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(expected[requests[i].Id], actual[i]);
        }

        // The batch really formed: KV slots for several sequences were reserved at once.
        long oneSlot = 256L * 2 * 5 * 4 * 8 * sizeof(float);
        Assert.True(batched.Memory.KvCacheReservedBytes > oneSlot, "no two sequences ever shared a step");
        Assert.True(batched.Memory.KvCacheReservedBytes <= maxBatch * oneSlot);
    }

    [Fact]
    public void RejectsAnUnknownBatchingMode()
    {
        EngineException ex = Assert.Throws<EngineException>(() => Stories("dynamic", 4));
        Assert.Contains("unknown batching 'dynamic'", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<int[]> Collect(LlamaEngine engine, GenerationRequest request)
    {
        var ids = new List<int>();
        await foreach (TokenEvent t in engine.GenerateAsync(request))
        {
            ids.Add(t.TokenId);
        }

        return [.. ids];
    }
}
