using Harness.Engines;
using Harness.Engines.Llama.Model;
using Harness.Tests.Engines.Llama;

namespace Harness.Tests.Engines.Parallel;

/// <summary>The decoder's account of a split: passes, collectives and their bytes, and each rank's time.</summary>
public sealed class TensorParallelProfileTests
{
    [Fact]
    public void Decode_steps_count_two_all_reduces_per_layer_and_one_for_the_embedding()
    {
        // stories260K: 5 layers, d = 64, vocabulary 512, 172 MLP channels (split in runs of 16: 5 runs and the rest).
        using LlamaModel model = TestModels.Stories260K(tensorParallel: 2);
        TestModels.Greedy(model, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 21);
        TensorParallelProfile p = model.TakeParallelProfile()!;

        Assert.Equal((2, 2, "vocab-parallel"), (p.Size, p.Cores, p.Vocabulary));
        Assert.Equal([(4, 2, 80, 256), (4, 2, 92, 256)], p.Ranks.Select(r => (r.Heads, r.KvHeads, r.IntermediateColumns, r.VocabularyRows)));
        Assert.All(p.Ranks, r => Assert.Equal(2L * 5 * 2 * 8 * sizeof(float), r.KvBytesPerToken));

        // 20 decode steps of one row; the 10-token prompt is one prefill chunk.
        Assert.Equal((20L, 20L, 20L * 11), (p.Decode.Passes, p.Decode.Rows, p.Decode.AllReduces));
        Assert.Equal(20L * 11 * 64 * sizeof(float), p.Decode.AllReduceBytes);
        Assert.Equal(20L * 512 * sizeof(float), p.Decode.GatherBytes);
        Assert.Equal((1L, 10L, 11L * 10 * 64 * sizeof(float)), (p.Prefill.Passes, p.Prefill.Rows, p.Prefill.AllReduceBytes));
        Assert.All(p.Decode.Ranks, r => Assert.True(r.ComputeSeconds > 0 && r.CommunicationSeconds > 0 && r.IdleSeconds >= 0));
        Assert.InRange(p.Decode.Ranks.Max(r => r.ComputeSeconds + r.CommunicationSeconds + r.IdleSeconds), 0, p.Decode.WallSeconds);

        // Taking the profile starts the counts again.
        Assert.Equal(0, model.TakeParallelProfile()!.Decode.Passes);
    }

    [Fact]
    public void Quantised_activations_add_a_max_all_reduce_before_each_row_parallel_product()
    {
        using LlamaModel model = TestModels.Stories260K(Precision.Int8Dynamic, tensorParallel: 2);
        TestModels.Greedy(model, [1, 2, 3], 5);
        ParallelPhaseTimes decode = model.TakeParallelProfile()!.Decode;
        Assert.Equal(4L * (11 + 10), decode.AllReduces);
        Assert.Equal(4L * ((11 * 64) + 10) * sizeof(float), decode.AllReduceBytes);
    }

    [Fact]
    public void An_unsplit_decoder_reports_one_rank_that_never_waits_or_exchanges()
    {
        using LlamaModel model = TestModels.Stories260K();
        TestModels.Greedy(model, [1, 2, 3], 9);
        TensorParallelProfile p = model.TakeParallelProfile()!;
        Assert.Equal(1, p.Size);
        Assert.Equal(8, p.Decode.Passes);
        Assert.Equal((0L, 0L, 0L), (p.Decode.AllReduces, p.Decode.AllReduceBytes, p.Decode.GatherBytes));
        Assert.Equal((0.0, 0.0), (p.Decode.Ranks[0].CommunicationSeconds, p.Decode.Ranks[0].IdleSeconds));
        Assert.True(p.Decode.Ranks[0].ComputeSeconds > 0);
        Assert.Equal(model.Weights.Bytes, p.Ranks[0].WeightBytes);
    }
}
