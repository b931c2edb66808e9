using Harness.Engines;
using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.Model;
using Harness.Tests.Engines.Llama;
using Xunit.Abstractions;

namespace Harness.Tests.Engines.Parallel;

/// <summary>
/// A model split over 2 and 4 ranks computes what the unsplit model computes: the same greedy ids, and logits that
/// differ only by the order of float additions (a row-parallel product is summed in per-rank parts, then added). Both
/// sides prefill through the kernels, so they differ only in the split.
/// </summary>
public sealed class TensorParallelTests(ITestOutputHelper output)
{
    // Logits of these models span about ±20; a split adds at most a few float roundings per layer to them.
    private const double LogitTolerance = 1e-4;

    private static readonly int[] Prompt = [1, 365, 1473, 263, 931, 29892, 727, 471, 263, 2217, 7826];

    public static TheoryData<string, int, string> Splits => new()
    {
        { "stories260k", 2, "fp32" },
        { "stories260k", 4, "fp32" },
        { "tiny-qwen", 2, "fp32" },
        { "tiny-qwen", 4, "fp32" },
        { "stories260k", 2, "bf16" },
        { "stories260k", 4, "int8" },
        { "tiny-qwen", 4, "fp16" },
        { "tiny-qwen", 2, "int4" },
        { "tiny-qwen", 4, "int8-dynamic" },
        { "tiny", 3, "fp32" },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Split_model_gives_the_unsplit_greedy_ids_and_logits(string modelName, int size, string precisionName)
    {
        Precision precision = PrecisionNames.Parse(precisionName);
        using LlamaModel whole = Build(modelName, precision, 1);
        using LlamaModel split = Build(modelName, precision, size);
        int[] prompt = [.. Prompt.Select(t => t % whole.Config.VocabSize)];

        int[] expected = TestModels.Greedy(whole, prompt, 40);
        int[] actual = TestModels.Greedy(split, prompt, 40);
        Assert.Equal(expected, actual);

        int[] sequence = [.. prompt, .. expected];
        float[][] a = TestModels.CachedLogits(whole, sequence, prompt.Length);
        float[][] b = TestModels.CachedLogits(split, sequence, prompt.Length);
        double worst = a.Zip(b).Max(p => TestModels.MaxAbsDifference(p.First, p.Second));
        output.WriteLine($"{modelName} {precisionName} tp {size}: max |Δlogit| {worst:E2} over {a.Length} positions");
        Assert.InRange(worst, 0, LogitTolerance);
    }

    /// <summary>
    /// SmolLM2-135M's shapes (9 heads in 3 GQA groups, 30 layers, random weights): a KV head whose group straddles two
    /// ranks is held by both, and 3 ranks split 9 heads without any straddle.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SmolLM2_split_with_straddling_kv_heads_gives_the_unsplit_greedy_ids(int size)
    {
        using LlamaModel whole = Build("smollm2-135m", Precision.Fp32, 1);
        using LlamaModel split = Build("smollm2-135m", Precision.Fp32, size);
        int[] prompt = [.. Prompt.Select(t => t % whole.Config.VocabSize)];
        int[] expected = TestModels.Greedy(whole, prompt, 12);
        Assert.Equal(expected, TestModels.Greedy(split, prompt, 12));
        float[][] a = TestModels.CachedLogits(whole, [.. prompt, .. expected], prompt.Length);
        float[][] b = TestModels.CachedLogits(split, [.. prompt, .. expected], prompt.Length);
        Assert.InRange(a.Zip(b).Max(p => TestModels.MaxAbsDifference(p.First, p.Second)), 0, LogitTolerance);
    }

    /// <summary>
    /// With activations quantised at run time (int8-dynamic, int4) every rank rounds its columns with the whole row's
    /// scale, as the unsplit model does, but the split sums' float order still moves an activation across a rounding
    /// boundary now and then, and stories260K (64 wide) amplifies that. Measured over 512 teacher-forced positions:
    /// int8-dynamic agrees on the next token at 512 (tp 2) and 511 (tp 4), int4 at 506 (tp 2); the split's effect is
    /// small next to the precision's own (int8-dynamic agrees with fp32 on 89 % of positions here).
    /// </summary>
    [Theory]
    [InlineData("int8-dynamic", 2, 510, 500)]
    [InlineData("int8-dynamic", 4, 508, 480)]
    [InlineData("int4", 2, 500, 350)]
    public void Quantised_activations_split_agree_with_the_unsplit_model_on_almost_every_next_token(string precisionName, int size, int minimumAgreeing, int minimumWithinTolerance)
    {
        Precision precision = PrecisionNames.Parse(precisionName);
        using LlamaModel whole = Build("stories260k", precision, 1);
        using LlamaModel split = Build("stories260k", precision, size);
        var random = new Random(77);
        int agreeing = 0, within = 0;
        for (int s = 0; s < 8; s++)
        {
            int[] sequence = [1, .. Enumerable.Range(0, 63).Select(_ => random.Next(2, 512))];
            foreach ((float[] a, float[] b) in TestModels.FullLogits(whole, sequence).Zip(TestModels.FullLogits(split, sequence)))
            {
                agreeing += Logits.ArgMax(a) == Logits.ArgMax(b) ? 1 : 0;
                within += TestModels.MaxAbsDifference(a, b) <= LogitTolerance ? 1 : 0;
            }
        }

        output.WriteLine($"{precisionName} tp {size}: next token agrees at {agreeing}/512, logits within {LogitTolerance} at {within}/512");
        Assert.InRange(agreeing, minimumAgreeing, 512);
        Assert.InRange(within, minimumWithinTolerance, 512);
    }

    private static LlamaModel Build(string name, Precision precision, int size) => name == "stories260k"
        ? TestModels.Stories260K(precision, tensorParallel: size, prefill: PrefillPath.Kernels)
        : TestModels.Preset(name, precision, tensorParallel: size, prefill: PrefillPath.Kernels);
}
