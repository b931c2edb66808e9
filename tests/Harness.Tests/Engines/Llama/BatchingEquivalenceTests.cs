using Harness.Engines;
using Harness.Engines.Llama;
using Harness.Tests.Engines.Llama;

namespace Harness.Tests.Engines.Llama;

/// <summary>
/// Whatever the batching mode and however requests interleave, every request's greedy output equals its
/// single-stream output (property test over random arrivals, prompt and output lengths).
/// </summary>
public sealed class BatchingEquivalenceTests
{
    // stories260K: 5 layers x 4 kv heads x head dim 8, K and V in fp32.
    private const long BytesPerToken = 2L * 5 * 4 * 8 * sizeof(float);

    private static LlamaEngine Stories(string batching, int maxBatch, Dictionary<string, string>? extra = null) =>
        LlamaEngineFactory.Build(
            $"llama2c:{SharedData.Stories260K}",
            LlamaTestOptions.Of(Threads: 2, MaxContext: 256, Batching: batching, MaxBatch: maxBatch, Extra: extra));

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
                expected[r.Id] = await EngineOutputs.Collect(single, r);
            }
        }

        using LlamaEngine batched = Stories(batching, maxBatch);
        Task<int[]>[] runs = [.. requests.Select(async (r, i) =>
        {
            await Task.Delay(delaysMs[i]);
            return await EngineOutputs.Collect(batched, r);
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

    /// <summary>
    /// Paged KV with a budget far below what the requests need at once: blocks run out mid-generation, the newest
    /// sequences are preempted and later recomputed (prompt through libtorch, generated positions through the decode
    /// kernels), and still every output equals its single-stream output token for token.
    /// </summary>
    [Theory]
    [InlineData(4, 6, 400, 0, 11)]
    [InlineData(8, 8, 480, 0, 12)]
    [InlineData(16, 4, 320, 0, 13)]
    [InlineData(8, 6, 400, 16, 14)]
    public async Task GreedyOutputsEqualSingleStreamWhenASmallKvBudgetForcesPreemption(int blockSize, int maxBatch, int budgetTokens, int maxBatchedTokens, int seed)
    {
        var random = new Random(seed);
        GenerationRequest[] requests = [.. Enumerable.Range(0, 14).Select(i => new GenerationRequest(
            $"r{i}",
            [1, .. Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(2, 512))],
            random.Next(20, 120),
            SamplingParams.Greedy,
            IgnoreEos: true))];
        int[] delaysMs = [.. requests.Select(_ => random.Next(0, 40))];
        Dictionary<string, int[]> expected = await SingleStream(requests);

        var extra = new Dictionary<string, string>
        {
            ["kv_layout"] = "paged",
            ["block_size"] = $"{blockSize}",
            ["kv_budget_bytes"] = $"{budgetTokens * BytesPerToken}",
        };
        if (maxBatchedTokens > 0)
        {
            extra["max_batched_tokens"] = $"{maxBatchedTokens}";
        }

        using LlamaEngine paged = Stories("continuous", maxBatch, extra);
        int[][] actual = await Task.WhenAll(requests.Select(async (r, i) =>
        {
            await Task.Delay(delaysMs[i]);
            return await EngineOutputs.Collect(paged, r);
        }));

        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(expected[requests[i].Id], actual[i]);
        }

        EngineTrace trace = paged.Drain();
        Assert.True(trace.Preemptions > 0, "the budget never ran out: no preemption was exercised");
        Assert.Contains(trace.Events, e => e.Kind == EngineEventKind.Recompute);
        Assert.Contains(trace.Steps, s => s.DecodeSequences > 1);
        Assert.All(trace.Steps, s => Assert.True(s.KvAllocatedBytes <= budgetTokens * BytesPerToken, $"step {s.Index} holds {s.KvAllocatedBytes} bytes"));
        Assert.All(trace.Steps, s => Assert.True(s.KvUsedBytes <= s.KvAllocatedBytes));
        Assert.Equal(requests.Length, trace.Events.Count(e => e.Kind == EngineEventKind.Finished));
        if (maxBatchedTokens > 0)
        {
            Assert.All(trace.Steps, s => Assert.True(s.PrefillTokens + s.DecodeSequences <= maxBatchedTokens, $"step {s.Index} computed {s.PrefillTokens} prompt positions"));
            Assert.Contains(trace.Events.GroupBy(e => e.RequestId), g => g.Count(e => e.Kind == EngineEventKind.Prefill) > 1);
        }
    }

    /// <summary>
    /// Requests sharing a system prompt: with the prefix cache on, later requests adopt the cached blocks of the shared
    /// part instead of computing it, and their outputs still equal single-stream outputs.
    /// </summary>
    [Fact]
    public async Task PrefixCachingReusesASharedPromptAndKeepsOutputsEqual()
    {
        var random = new Random(21);
        int[] system = [1, .. Enumerable.Range(0, 24).Select(_ => random.Next(2, 512))];
        GenerationRequest[] requests = [.. Enumerable.Range(0, 8).Select(i => new GenerationRequest(
            $"r{i}",
            [.. system, .. Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(2, 512))],
            random.Next(5, 30),
            SamplingParams.Greedy,
            IgnoreEos: true))];
        Dictionary<string, int[]> expected = await SingleStream(requests);

        using LlamaEngine cached = Stories("continuous", 4, new Dictionary<string, string> { ["kv_layout"] = "paged", ["block_size"] = "8", ["prefix_cache"] = "on" });
        var actual = new List<int[]>();
        foreach (GenerationRequest r in requests)
        {
            actual.Add(await EngineOutputs.Collect(cached, r));
        }

        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(expected[requests[i].Id], actual[i]);
        }

        // The 25-token system prompt fills 3 blocks of 8: every request after the first finds those 24 positions.
        EngineTrace trace = cached.Drain();
        Assert.Equal(7, trace.Events.Count(e => e.Kind == EngineEventKind.PrefixHit));
        Assert.All(trace.Events.Where(e => e.Kind == EngineEventKind.PrefixHit), e => Assert.True(e.Tokens >= 24));
        long promptTokens = requests.Sum(r => (long)r.PromptIds.Count);
        Assert.Equal(promptTokens, trace.PrefixHitTokens + trace.PrefixMissTokens);
        Assert.True(trace.PrefixHitTokens >= 7 * 24);
    }

    /// <summary>
    /// A KV budget of three whole 256-position contexts lets a contiguous engine run exactly three sequences at once,
    /// whatever max_batch says, and a paged engine with the same budget run more (their lengths fit in blocks).
    /// </summary>
    [Theory]
    [InlineData("contiguous", 3, 3)]
    [InlineData("paged", 6, 6)]
    public async Task TheKvBudgetCapsHowManySequencesRunAtOnce(string layout, int expectedMin, int expectedMax)
    {
        GenerationRequest[] requests = [.. Enumerable.Range(0, 8).Select(i => new GenerationRequest(
            $"r{i}", [1, 5 + i, 9, 20 + i], 40, SamplingParams.Greedy, IgnoreEos: true))];
        using LlamaEngine engine = Stories("continuous", 6, new Dictionary<string, string>
        {
            ["kv_layout"] = layout,
            ["kv_budget_bytes"] = $"{3 * 256 * BytesPerToken}",
        });
        await Task.WhenAll(requests.Select(r => EngineOutputs.Collect(engine, r)));

        int mostRunning = engine.Drain().Steps.Max(s => s.Running);
        Assert.InRange(mostRunning, expectedMin, expectedMax);
    }

    [Theory]
    [InlineData("kv_layout", "blocks", "option 'kv_layout': 'blocks' is not one of contiguous, paged")]
    [InlineData("prefix_cache", "on", "prefix_cache needs kv_layout: paged")]
    [InlineData("block_size", "0", "option 'block_size' must be >= 1, not '0'")]
    [InlineData("kv_budget_bytes", "-5", "option 'kv_budget_bytes' must be a size such as 4096, 512KiB, 90MiB or 1.5GB, not '-5'")]
    [InlineData("kv_budget_bytez", "5", "engine 'llama' has no option 'kv_budget_bytez'")]
    public void RejectsBadKvOptionsInOneLine(string key, string value, string message)
    {
        EngineException ex = Assert.Throws<EngineException>(() => Stories("continuous", 4, new Dictionary<string, string> { [key] = value }));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void RejectsAnUnknownBatchingMode()
    {
        EngineException ex = Assert.Throws<EngineException>(() => Stories("dynamic", 4));
        Assert.Contains("option 'batching': 'dynamic' is not one of none, static, continuous", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, int[]>> SingleStream(IEnumerable<GenerationRequest> requests)
    {
        using LlamaEngine single = Stories("none", 1);
        var expected = new Dictionary<string, int[]>();
        foreach (GenerationRequest r in requests)
        {
            expected[r.Id] = await EngineOutputs.Collect(single, r);
        }

        return expected;
    }
}
