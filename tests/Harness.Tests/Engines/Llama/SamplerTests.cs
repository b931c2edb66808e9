using Harness.Engines;
using Harness.Engines.Llama.Generation;

namespace Harness.Tests.Engines.Llama;

public sealed class SamplerTests
{
    private static readonly float[] Logits = [1.0f, 3.0f, 2.0f, -1.0f, 0.5f];

    [Fact]
    public void GreedyPicksTheArgMaxAndTheLowestIndexOnTies()
    {
        var rng = new SplitMix64(1);
        Assert.Equal(1, Sampler.Sample([.. Logits], SamplingParams.Greedy, ref rng));
        Assert.Equal(2, global::Harness.Engines.Logits.ArgMax([0f, 1f, 5f, 5f]));
    }

    [Fact]
    public void SameSeedSameSamplesAndTopKOneIsGreedy()
    {
        var sampling = new SamplingParams(Temperature: 1.0, Seed: 42);
        int[] Draw(ulong seed)
        {
            var rng = new SplitMix64(seed);
            return [.. Enumerable.Range(0, 50).Select(_ => Sampler.Sample([.. Logits], sampling, ref rng))];
        }

        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));

        var r = new SplitMix64(9);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(1, Sampler.Sample([.. Logits], new SamplingParams(1.0, TopK: 1), ref r));
            Assert.Equal(1, Sampler.Sample([.. Logits], new SamplingParams(1.0, TopP: 0.01), ref r));
        }
    }

    [Fact]
    public void TemperatureSamplingFollowsTheSoftmax()
    {
        const int N = 40_000;
        var rng = new SplitMix64(7);
        var counts = new int[Logits.Length];
        for (int i = 0; i < N; i++)
        {
            counts[Sampler.Sample([.. Logits], new SamplingParams(2.0), ref rng)]++;
        }

        double[] weights = [.. Logits.Select(l => Math.Exp(l / 2.0))];
        double total = weights.Sum();
        for (int i = 0; i < Logits.Length; i++)
        {
            double p = weights[i] / total;
            double sigma = Math.Sqrt(p * (1 - p) / N);
            Assert.InRange((double)counts[i] / N, p - (5 * sigma), p + (5 * sigma));
        }
    }

    [Fact]
    public void TopPKeepsOnlyTheNucleus()
    {
        // Probabilities at T=1: [0.087, 0.64, 0.236, 0.012, 0.053]; p = 0.8 keeps tokens 1 and 2 only.
        var rng = new SplitMix64(3);
        var seen = new HashSet<int>();
        for (int i = 0; i < 2000; i++)
        {
            seen.Add(Sampler.Sample([.. Logits], new SamplingParams(1.0, TopP: 0.8), ref rng));
        }

        Assert.Equal([1, 2], seen.Order());
    }
}
