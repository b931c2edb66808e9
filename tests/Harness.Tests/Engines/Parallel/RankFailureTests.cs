using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;
using Harness.Tests.Engines.Llama;

namespace Harness.Tests.Engines.Parallel;

/// <summary>A rank that fails mid-pass releases the others from their collectives and its own error is the one reported.</summary>
public sealed class RankFailureTests
{
    [Fact]
    public void A_failing_rank_reports_its_own_error_and_the_decoder_serves_the_next_pass()
    {
        using LlamaModel split = TestModels.Stories260K(tensorParallel: 2);
        using LlamaModel whole = TestModels.Stories260K(prefill: PrefillPath.Kernels);
        using ContiguousKvCache cache = split.NewCache();
        var failing = new FailingSequence(cache);
        float[] logits = new float[split.Config.VocabSize];

        var e = Assert.Throws<InvalidOperationException>(() => split.Forward([1], [0], [failing], [true], logits));
        Assert.Equal("store failed on the rank holding heads from 4", e.Message);

        // The ranks are free again: the same decoder now decodes as the unsplit model does.
        Assert.Equal(TestModels.Greedy(whole, [1, 2, 3], 8), TestModels.Greedy(split, [1, 2, 3], 8));
    }

    // Throws from the rank whose heads start after head 0 (rank 1 of 2), while rank 0 goes on to its first collective.
    private sealed unsafe class FailingSequence(ContiguousKvCache inner) : IKvSequence
    {
        public int Length { get => inner.Length; set => inner.Length = value; }

        public int Capacity => inner.Capacity;

        public void Store(int layer, int position, float* key, float* value, HeadSlice heads)
        {
            if (heads.FirstHead > 0)
            {
                throw new InvalidOperationException($"store failed on the rank holding heads from {heads.FirstHead}");
            }

            inner.Store(layer, position, key, value, heads);
        }

        public void Attend(KernelThreadPool pool, AttentionShape shape, HeadSlice heads, AttentionKind kind, int layer, float* q, int length, float* output, float* scores) =>
            inner.Attend(pool, shape, heads, kind, layer, q, length, output, scores);
    }
}
