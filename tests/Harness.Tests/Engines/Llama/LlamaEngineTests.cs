using Harness.Engines;
using Harness.Engines.Llama;
using Harness.Engines.Llama.Model;
using Harness.Tests.Engines.Llama;

namespace Harness.Tests.Engines.Llama;

/// <summary>The engine contract as the harness uses it: streaming, timestamps, stopping, errors, memory.</summary>
public sealed class LlamaEngineTests
{
    private static LlamaEngine Stories(string attention = "fused") =>
        LlamaEngineFactory.Build($"llama2c:{SharedData.Stories260K}", LlamaTestOptions.Of(Attention: attention, Threads: 2, MaxContext: 512));

    [Fact]
    public async Task StreamsEveryTokenWithIncreasingTimestampsAndTheComputeStartFirst()
    {
        using LlamaEngine engine = Stories();
        var request = new GenerationRequest("r1", [1, 3, 10, 200], 30, SamplingParams.Greedy, IgnoreEos: true);
        var tokens = new List<TokenEvent>();
        await foreach (TokenEvent t in engine.GenerateAsync(request))
        {
            tokens.Add(t);
        }

        Assert.Equal(30, tokens.Count);
        Assert.Equal(Enumerable.Range(0, 30), tokens.Select(t => t.Index));
        Assert.NotNull(tokens[0].ComputeStart);
        Assert.True(tokens[0].ComputeStart <= tokens[0].Timestamp);
        Assert.All(tokens.Zip(tokens.Skip(1)), p => Assert.True(p.First.Timestamp <= p.Second.Timestamp));
        Assert.Equal(FinishReason.Length, tokens[^1].Finish);
        Assert.All(tokens.SkipLast(1), t => Assert.Null(t.Finish));

        EngineMemory memory = engine.Memory;
        Assert.Equal(engine.Model.Weights.Bytes, memory.WeightsBytes);
        // 4 prompt + 29 fed-back tokens (the last sampled token is never run) x layers 5 x kv heads 4 x head dim 8, K and V.
        Assert.Equal(33 * (2L * 5 * 4 * 8 * sizeof(float)), memory.KvCachePeakBytes);
        Assert.True(memory.PeakRssBytes > memory.WeightsBytes);
    }

    [Fact]
    public async Task StopsAtTheEndOfSequenceTokenUnlessTold()
    {
        using LlamaEngine engine = Stories();

        // Sampled stories of this checkpoint end with its delimiter (token 1); the first seed whose story ends early.
        var untilEos = new List<TokenEvent>();
        SamplingParams? ending = null;
        for (ulong seed = 0; seed < 10 && ending is null; seed++)
        {
            untilEos.Clear();
            var sampling = new SamplingParams(Temperature: 1.0, Seed: seed);
            await foreach (TokenEvent t in engine.GenerateAsync(new GenerationRequest("a", [1], 500, sampling)))
            {
                untilEos.Add(t);
            }

            ending = untilEos[^1].Finish == FinishReason.Eos ? sampling : null;
        }

        Assert.NotNull(ending);
        Assert.Equal(FinishReason.Eos, untilEos[^1].Finish);
        Assert.Equal(1, untilEos[^1].TokenId);
        Assert.True(untilEos.Count < 500);

        int n = 0;
        await foreach (TokenEvent t in engine.GenerateAsync(new GenerationRequest("b", [1], untilEos.Count + 5, ending, IgnoreEos: true)))
        {
            Assert.Equal(n < untilEos.Count ? untilEos[n].TokenId : t.TokenId, t.TokenId);
            n++;
        }

        Assert.Equal(untilEos.Count + 5, n);
    }

    [Fact]
    public async Task ConcurrentRequestsAreServedAndEachMatchesItsSingleStreamOutput()
    {
        using LlamaEngine engine = Stories("unfused");
        async Task<int[]> Run(string id, int[] prompt)
        {
            var ids = new List<int>();
            await foreach (TokenEvent t in engine.GenerateAsync(new GenerationRequest(id, prompt, 20, SamplingParams.Greedy, IgnoreEos: true)))
            {
                ids.Add(t.TokenId);
            }

            return [.. ids];
        }

        int[] alone = await Run("alone", [1, 3, 400, 5]);
        int[][] together = await Task.WhenAll(Run("x", [1, 3, 400, 5]), Run("y", [1, 3, 10, 200]), Run("z", [1, 3, 400, 5]));
        Assert.Equal(alone, together[0]);
        Assert.Equal(alone, together[2]);
        Assert.NotEqual(alone, together[1]);
    }

    [Theory]
    [InlineData(new int[0], 5, "empty")]
    [InlineData(new[] { 1, 512 }, 5, "outside the vocabulary")]
    [InlineData(new[] { 1, -1 }, 5, "outside the vocabulary")]
    [InlineData(new[] { 1, 2 }, 0, "at least 1")]
    public async Task InvalidRequestsAreRejectedWithAClearMessage(int[] prompt, int maxNew, string expected)
    {
        using LlamaEngine engine = Stories();
        var ex = await Assert.ThrowsAsync<EngineException>(async () =>
        {
            await foreach (TokenEvent _ in engine.GenerateAsync(new GenerationRequest("bad", prompt, maxNew, SamplingParams.Greedy)))
            {
            }
        });
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("preset:nope", "nope")]
    [InlineData("gguf:x", "hf:DIR")]
    [InlineData("llama2c:/nonexistent/model.bin", "/nonexistent/model.bin")]
    public void BadModelSpecsFailWithOneLine(string spec, string expected)
    {
        var ex = Assert.Throws<EngineException>(() => LlamaEngineFactory.Build(spec, LlamaOptions.Default));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("fp8", "fused", "precision")]
    [InlineData("fp32", "flash", "attention")]
    public void UnsupportedOptionsAreRejected(string precision, string attention, string expected)
    {
        var ex = Assert.Throws<EngineException>(() => LlamaEngineFactory.Build("preset:tiny", LlamaTestOptions.Of(precision, attention)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
