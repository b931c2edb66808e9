using Harness.Engines;
using Harness.Engines.Llama.Compression;
using Harness.Engines.Llama.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Compression;

/// <summary>Each pruning removes exactly the count asked for, and exactly the lowest-scoring weights.</summary>
public sealed class MatrixPruningTests
{
    private static float[,] Random(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        var w = new float[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                // Never exactly zero, so every zero after pruning was put there by it.
                w[r, c] = (float)((random.NextDouble() - 0.5) * 2) + (random.Next(2) == 0 ? 1e-3f : -1e-3f);
            }
        }

        return w;
    }

    private static float[,] Prune(float[,] w, Func<Tensor, Tensor> prune)
    {
        TorchRuntime.EnsureInitialized();
        using Tensor t = torch.tensor(w);
        using Tensor p = prune(t);
        float[] flat = p.data<float>().ToArray();
        var result = new float[w.GetLength(0), w.GetLength(1)];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void Magnitude_removes_exactly_the_fraction_of_the_matrix_with_the_smallest_magnitudes(double fraction)
    {
        float[,] w = Random(37, 64, 1);
        float[,] p = Prune(w, t => MatrixPruning.Unstructured(t, null, fraction, perRow: false));
        var zeroed = new List<float>();
        var kept = new List<float>();
        for (int r = 0; r < 37; r++)
        {
            for (int c = 0; c < 64; c++)
            {
                (p[r, c] == 0 ? zeroed : kept).Add(Math.Abs(w[r, c]));
                Assert.True(p[r, c] == 0 || p[r, c] == w[r, c], "a kept weight changed");
            }
        }

        Assert.Equal((int)Math.Floor(fraction * 37 * 64), zeroed.Count);
        Assert.True(zeroed.Max() <= kept.Min());
    }

    [Fact]
    public void Wanda_removes_half_of_each_row_by_magnitude_times_input_norm()
    {
        float[,] w = Random(16, 32, 2);

        // Columns 0-7 carry large activations: Wanda keeps them whatever their magnitude; magnitude alone does not.
        float[] norms = [.. Enumerable.Range(0, 32).Select(j => j < 8 ? 100f : 0.01f)];
        float[,] wanda = Prune(w, t => MatrixPruning.Unstructured(t, norms, 0.5, perRow: true));
        float[,] magnitude = Prune(w, t => MatrixPruning.Unstructured(t, null, 0.5, perRow: true));
        int magnitudeDropsLoudColumn = 0;
        for (int r = 0; r < 16; r++)
        {
            var zeroed = new List<double>();
            var kept = new List<double>();
            for (int c = 0; c < 32; c++)
            {
                double score = Math.Abs(w[r, c]) * norms[c];
                (wanda[r, c] == 0 ? zeroed : kept).Add(score);
                magnitudeDropsLoudColumn += c < 8 && magnitude[r, c] == 0 ? 1 : 0;
                Assert.True(c >= 8 || wanda[r, c] != 0, $"row {r} column {c}: a high-activation weight was pruned");
            }

            Assert.Equal(16, zeroed.Count);
            Assert.True(zeroed.Max() <= kept.Min(), $"row {r}: a pruned weight outscored a kept one");
        }

        Assert.True(magnitudeDropsLoudColumn > 0, "magnitude pruning happened to agree with Wanda; the test shows nothing");
    }

    [Fact]
    public void Two_four_keeps_exactly_the_two_largest_of_every_four_consecutive_weights()
    {
        float[,] w = Random(9, 40, 3);
        float[,] p = Prune(w, t => MatrixPruning.SemiStructured(t, null));
        for (int r = 0; r < 9; r++)
        {
            for (int g = 0; g < 40; g += 4)
            {
                int[] zeros = [.. Enumerable.Range(g, 4).Where(c => p[r, c] == 0)];
                Assert.Equal(2, zeros.Length);
                float smallestKept = Enumerable.Range(g, 4).Where(c => p[r, c] != 0).Min(c => Math.Abs(w[r, c]));
                Assert.All(zeros, c => Assert.True(Math.Abs(w[r, c]) <= smallestKept));
            }
        }
    }

    [Fact]
    public void Two_four_needs_whole_groups_of_four_columns()
    {
        TorchRuntime.EnsureInitialized();
        using Tensor w = torch.ones(3, 6);
        var e = Assert.Throws<EngineException>(() => MatrixPruning.SemiStructured(w, null));
        Assert.Equal("2:4 pruning needs a multiple of 4 columns, not 6", e.Message);
    }

    [Theory]
    [InlineData("magnitude:0.5", PruneMethod.Magnitude, 0.5)]
    [InlineData("wanda:0.25", PruneMethod.Wanda, 0.25)]
    [InlineData("2:4", PruneMethod.Magnitude24, 0.5)]
    [InlineData("magnitude-2:4", PruneMethod.Magnitude24, 0.5)]
    [InlineData("wanda-2:4", PruneMethod.Wanda24, 0.5)]
    [InlineData("MLP:0.25", PruneMethod.MlpChannels, 0.25)]
    public void Prune_options_parse_every_form(string text, PruneMethod method, double fraction)
    {
        Assert.Equal(new PruneOptions(method, fraction), PruneOptions.Parse(text));
        Assert.Equal(PruneOptions.Parse(text), PruneOptions.Parse(PruneOptions.Parse(text)!.ToString()));
    }

    [Theory]
    [InlineData("magnitude:1")]
    [InlineData("wanda:0")]
    [InlineData("random:0.5")]
    [InlineData("1:4")]
    [InlineData("mlp:quarter")]
    public void Bad_prune_options_are_refused_in_one_line(string text)
    {
        var e = Assert.Throws<EngineException>(() => PruneOptions.Parse(text));
        Assert.Equal($"prune '{text}' is not one of {PruneOptions.Forms}", e.Message);
    }
}
