using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Parallel;
using Harness.Tests.Engines.Llama;

namespace Harness.Tests.Engines.Parallel;

/// <summary>Each rank holds only its shard: the shards add up to the model, plus exactly the replicated KV rows.</summary>
public sealed class RankWeightsTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Shards_without_replicated_kv_heads_add_up_to_the_model(int size)
    {
        // stories260K: 8 heads, 4 KV heads, so 2 and 4 ranks each take whole groups; d = 64, 5 layers, tied embedding.
        using LlamaModel model = TestModels.Stories260K();
        long norms = 64L * sizeof(float) * ((2 * 5) + 1);
        long total = ShardBytes(model, size).Sum(b => b - norms);
        Assert.Equal(model.Weights.Bytes - norms, total);
    }

    [Fact]
    public void Replicated_kv_heads_cost_their_k_and_v_rows_once_more_per_extra_rank()
    {
        // tiny-qwen: 4 heads, 2 KV heads of 16, d = 64, 2 layers, q/k/v biases. At 4 ranks each KV head is on two ranks:
        // per layer two more KV heads' K and V rows (2 × 2 × 16 rows of 64 floats) and their biases (2 × 2 × 16 floats).
        using LlamaModel model = TestModels.Preset("tiny-qwen");
        long norms = 64L * sizeof(float) * ((2 * 2) + 1);
        long extra = 2L * ((2 * 2 * 16 * 64) + (2 * 2 * 16)) * sizeof(float);
        long total = ShardBytes(model, 4).Sum(b => b - norms);
        Assert.Equal(model.Weights.Bytes - norms + extra, total);
    }

    [Fact]
    public void A_whole_model_rank_shares_the_model_tensors_instead_of_copying_them()
    {
        using LlamaModel model = TestModels.Stories260K();
        using var whole = new RankWeights(model.Weights, ShardPlan.Split(model.Config, 1)[0]);
        unsafe
        {
            Assert.True(whole.LmHead.Data == TensorMemory.Bytes(model.Weights.LmHead));
        }
    }

    private static long[] ShardBytes(LlamaModel model, int size) => [.. ShardPlan.Split(model.Config, size).Select(s =>
    {
        using var shard = new RankWeights(model.Weights, s);
        return shard.Bytes;
    })];
}
