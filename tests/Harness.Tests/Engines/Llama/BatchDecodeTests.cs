using Harness.Engines;
using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;

namespace Harness.Tests.Engines.Llama;

/// <summary>A batched decode step gives every sequence exactly the logits it gets alone.</summary>
public sealed class BatchDecodeTests
{
    [Theory]
    [InlineData(Precision.Fp32, AttentionKind.Fused, 3)]
    [InlineData(Precision.Bf16, AttentionKind.Unfused, 3)]
    [InlineData(Precision.Fp32, AttentionKind.Fused, 11)]
    public void Batched_logits_equal_single_sequence_logits_bit_for_bit(Precision precision, AttentionKind attention, int sequences)
    {
        using LlamaModel batchedModel = TestModels.Preset("tiny", precision, attention, maxBatch: sequences);
        using LlamaModel singleModel = TestModels.Preset("tiny", precision, attention);
        int vocab = batchedModel.Config.VocabSize;
        var random = new Random(17);

        // Sequences at different positions: prompts of different lengths, prefilled separately.
        var batchedCaches = new List<ContiguousKvCache>();
        var singleCaches = new List<ContiguousKvCache>();
        int[] next = new int[sequences];
        float[] logits = new float[vocab];
        for (int b = 0; b < sequences; b++)
        {
            int[] prompt = [.. Enumerable.Range(0, 3 + (5 * b)).Select(_ => random.Next(vocab))];
            batchedCaches.Add(batchedModel.NewCache());
            singleCaches.Add(singleModel.NewCache());
            batchedModel.Prefill(prompt, batchedCaches[b], logits);
            singleModel.Prefill(prompt, singleCaches[b], logits);
            next[b] = Logits.ArgMax(logits);
        }

        float[] batchLogits = new float[sequences * vocab];
        for (int step = 0; step < 4; step++)
        {
            batchedModel.DecodeBatch(next, batchedCaches, batchLogits);
            for (int b = 0; b < sequences; b++)
            {
                singleModel.Decode(next[b], singleCaches[b], logits);
                float[] row = batchLogits[(b * vocab)..((b + 1) * vocab)];
                Assert.Equal(logits, row);
                Assert.Equal(singleCaches[b].Length, batchedCaches[b].Length);
                next[b] = Logits.ArgMax(row);
            }
        }

        foreach (ContiguousKvCache c in batchedCaches.Concat(singleCaches))
        {
            c.Dispose();
        }
    }
}
