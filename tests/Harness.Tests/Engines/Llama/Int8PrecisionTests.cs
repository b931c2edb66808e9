using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.Model;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Llama;

/// <summary>
/// Int8 weight-only models: a quarter of fp32's matrix bytes, decode through the int8 kernels, prefill through
/// libtorch over the dequantised matrices, and next-token choices that mostly agree with fp32's.
/// </summary>
public sealed class Int8PrecisionTests
{
    [Fact]
    public void Matrices_take_a_quarter_of_the_fp32_bytes_plus_one_scale_per_row()
    {
        using LlamaModel fp32 = TestModels.Stories260K(Precision.Fp32);
        using LlamaModel int8 = TestModels.Stories260K(Precision.Int8);
        LayerWeights f = fp32.Weights.Layers[0], q = int8.Weights.Layers[0];
        Assert.Equal(ScalarType.Int8, q.Qkv.dtype);
        Assert.Equal(f.Qkv.NumberOfElements, q.Qkv.NumberOfElements);
        Assert.Equal(f.Qkv.shape[0], q.QkvScale!.NumberOfElements);

        // stories260K: per layer q/k/v, o, gate/up, down; every matrix byte count drops 4x, scales add 4 bytes per row.
        long fp32Matrices = fp32.Weights.Layers.Sum(l => new[] { l.Qkv, l.Output, l.GateUp, l.Down }.Sum(t => t.NumberOfElements * 4));
        long int8Matrices = int8.Weights.Layers.Sum(l => new[] { l.Qkv, l.Output, l.GateUp, l.Down }.Sum(t => t.NumberOfElements));
        Assert.Equal(fp32Matrices / 4, int8Matrices);
        Assert.True(int8.Weights.Bytes < fp32.Weights.Bytes * 0.3, $"{int8.Weights.Bytes} vs {fp32.Weights.Bytes}");
    }

    [Fact]
    public void Kernel_decode_matches_libtorch_over_the_dequantised_weights()
    {
        using LlamaModel kernels = TestModels.Stories260K(Precision.Int8, decode: DecodePath.Kernels);
        using LlamaModel torch = TestModels.Stories260K(Precision.Int8, decode: DecodePath.Torch);
        int[] prompt = [1, 403, 407, 288, 292];
        int[] a = TestModels.Greedy(kernels, prompt, 40);
        int[] b = TestModels.Greedy(torch, prompt, 40);
        Assert.Equal(b, a);
    }

    /// <summary>
    /// Teacher-forced over fp32's own greedy continuation of 4 prompts (200 positions), int8 picks fp32's next token at
    /// most positions: measured 187 of 200 (93.5%) on this 260K-parameter checkpoint, where rounding every weight to
    /// 1/127 of its row's largest matters more than in larger models. Free-running greedy output from the first prompt
    /// matches fp32 for its first 13 tokens, then drifts (one different choice changes everything after it).
    /// </summary>
    [Fact]
    public void Next_token_choices_agree_with_fp32_on_most_positions()
    {
        using LlamaModel fp32 = TestModels.Stories260K(Precision.Fp32);
        using LlamaModel int8 = TestModels.Stories260K(Precision.Int8);
        int agree = 0, total = 0;
        foreach (int[] prompt in new[] { new[] { 1, 403, 407 }, new[] { 1, 288 }, new[] { 1, 330, 283, 427 }, new[] { 1, 460 } })
        {
            int[] sequence = [.. prompt, .. TestModels.Greedy(fp32, prompt, 50)];
            using Tensor reference = fp32.SequenceLogits(sequence);
            using Tensor quantised = int8.SequenceLogits(sequence);
            long[] r = reference.argmax(1).data<long>().ToArray();
            long[] q = quantised.argmax(1).data<long>().ToArray();
            for (int t = prompt.Length - 1; t < sequence.Length - 1; t++)
            {
                agree += r[t] == q[t] ? 1 : 0;
                total++;
            }
        }

        double rate = (double)agree / total;
        Assert.True(rate >= 0.90, $"int8 agreed with fp32 on {agree} of {total} positions ({rate:P1})");
        Assert.Equal(200, total);
    }
}
