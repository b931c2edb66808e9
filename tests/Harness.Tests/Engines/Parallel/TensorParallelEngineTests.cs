using Harness.Engines;
using Harness.Engines.Llama;
using Harness.Engines.Llama.Model;
using Harness.Tests.Engines.Llama;

namespace Harness.Tests.Engines.Parallel;

/// <summary>
/// A split engine serves requests under every batching mode, KV layout, attention kind and precision exactly as the
/// unsplit engine does one request at a time (for precisions that quantise activations, as the same split does one
/// at a time: their split is close to the unsplit model but not always token-exact, see
/// <see cref="TensorParallelTests"/>); options that cannot go with a split are refused in one line.
/// </summary>
public sealed class TensorParallelEngineTests
{
    private static LlamaEngine Stories(LlamaOptions options) => LlamaEngineFactory.Build($"llama2c:{SharedData.Stories260K}", options);

    public static TheoryData<int, string, string, string, string, string?> Combinations => new()
    {
        // size, batching, precision, attention, kv layout, kv budget (forces preemption and recompute when small)
        { 2, "continuous", "fp32", "fused", "paged", "150KiB" },
        { 4, "continuous", "bf16", "fused", "paged", null },
        { 2, "static", "int8", "unfused", "contiguous", null },
        { 4, "continuous", "fp16", "unfused", "contiguous", null },
        { 3, "none", "fp32", "fused", "contiguous", null },
        { 4, "continuous", "int8-dynamic", "fused", "paged", "150KiB" },
        { 2, "static", "int4", "fused", "contiguous", null },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Split_engine_serves_the_unsplit_single_stream_outputs(int size, string batching, string precision, string attention, string layout, string? budget)
    {
        var random = new Random(size * 31);
        GenerationRequest[] requests = [.. Enumerable.Range(0, 8).Select(i => new GenerationRequest(
            $"r{i}",
            [1, .. Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(2, 512))],
            random.Next(4, 40),
            SamplingParams.Greedy,
            IgnoreEos: true))];

        // The same prefill path and KV layout on both sides: libtorch prefill of a quantised-activation model multiplies
        // float activations, and paged attention rescales its softmax per block, so either alone moves the last bits of
        // the logits at any size, which quantised activations can turn into another token.
        bool quantisesActivations = PrecisionNames.Parse(precision).QuantizesActivations();
        var serving = new Dictionary<string, string> { ["prefill"] = "kernels", ["kv_layout"] = layout, ["block_size"] = "4" };
        var baseline = LlamaTestOptions.Of(
            Precision: precision,
            Attention: attention,
            TensorParallel: quantisesActivations ? size : 1,
            Threads: 2,
            MaxContext: 128,
            Extra: serving);
        Dictionary<string, int[]> expected = [];
        using (LlamaEngine single = Stories(baseline))
        {
            foreach (GenerationRequest r in requests)
            {
                expected[r.Id] = await EngineOutputs.Collect(single, r);
            }
        }

        var extra = new Dictionary<string, string>(serving);
        if (budget is not null)
        {
            extra["kv_budget_bytes"] = budget;
        }

        using LlamaEngine split = Stories(LlamaTestOptions.Of(precision, attention, batching, batching == "none" ? 1 : 4, size, Threads: 2, MaxContext: 128, Extra: extra));
        int[][] actual = await Task.WhenAll(requests.Select(r => EngineOutputs.Collect(split, r)));
        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(expected[requests[i].Id], actual[i]);
        }

        EngineTrace trace = split.Drain();
        Assert.Equal(size, trace.Parallel!.Size);
        Assert.True(trace.Parallel.Decode.Passes > 0 && trace.Parallel.Prefill.Passes > 0);
        if (budget is not null)
        {
            Assert.True(trace.Preemptions > 0, "the small KV budget never forced a preemption");
        }
    }

    [Theory]
    [InlineData(0, null, null, "option 'tp' must be 1..64, not '0'")]
    [InlineData(2, "torch", null, "tensor-parallel size 2 runs through the kernel decoder; decode: torch is the unsplit libtorch baseline")]
    [InlineData(2, null, "torch", "tensor-parallel size 2 prefills through the split kernels; prefill: torch would run the whole model on one rank")]
    [InlineData(1, null, "gpu", "option 'prefill': 'gpu' is not one of auto, torch, kernels")]
    [InlineData(1, "torch", "kernels", "prefill: kernels needs decode: kernels")]
    public void Options_that_cannot_go_with_a_split_are_refused_before_loading(int size, string? decode, string? prefill, string message)
    {
        var extra = new Dictionary<string, string>();
        if (decode is not null)
        {
            extra["decode"] = decode;
        }

        if (prefill is not null)
        {
            extra["prefill"] = prefill;
        }

        var e = Assert.Throws<EngineException>(() => LlamaTestOptions.Of(TensorParallel: size, Extra: extra));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData(16, "fp32", "tensor-parallel size 16 exceeds the model's 8 attention heads (each rank needs one)")]
    [InlineData(4, "int4", "int4 groups of 32 columns do not align with rank 0's attention columns [0, 16) at tensor-parallel size 4; use a smaller group_size or another size")]
    public void A_split_the_model_cannot_take_fails_the_build_in_one_line(int size, string precision, string message)
    {
        var e = Assert.Throws<EngineException>(() => Stories(LlamaTestOptions.Of(Precision: precision, TensorParallel: size, Threads: 2, MaxContext: 64)));
        Assert.Equal(message, e.Message);
    }
}
