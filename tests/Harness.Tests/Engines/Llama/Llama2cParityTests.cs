using Harness.Engines.Llama.Model;

namespace Harness.Tests.Engines.Llama;

/// <summary>
/// The engine against two oracles for the llama2.c format: sequences produced by the format's reference C program
/// (fixture) and an independent scalar implementation in this test project.
/// </summary>
public sealed class Llama2cParityTests
{
    public static TheoryData<DecodePath, AttentionKind> Paths => new()
    {
        { DecodePath.Kernels, AttentionKind.Fused },
        { DecodePath.Kernels, AttentionKind.Unfused },
        { DecodePath.Torch, AttentionKind.Fused },
        { DecodePath.Torch, AttentionKind.Unfused },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void GreedyIdsMatchTheReferenceProgramTokenForToken(DecodePath decode, AttentionKind attention)
    {
        using LlamaModel model = TestModels.Stories260K(decode: decode, attention: attention);
        foreach ((int[] prompt, int[] expected) in Fixture())
        {
            int[] actual = TestModels.Greedy(model, prompt, expected.Length);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void LogitsMatchTheScalarReferenceAtEveryPosition()
    {
        using LlamaModel model = TestModels.Stories260K();
        var reference = new Llama2cReference(SharedData.Stories260K);
        int[] ids = [1, 3, 400, 5, 6, 7, 8, 9, 100, 500, 330, 446, 444, 462, 438, 341, 341, 446, 310, 331];
        float[][] engine = TestModels.CachedLogits(model, ids, prefill: 6);
        double worst = 0;
        for (int pos = 0; pos < ids.Length; pos++)
        {
            worst = Math.Max(worst, TestModels.MaxAbsDifference(reference.Forward(ids[pos], pos), engine[pos]));
        }

        Assert.True(worst < 1e-4, $"max |logit difference| {worst:E2}");
    }

    [Fact]
    public void ScalarReferenceReproducesTheReferenceProgram()
    {
        var reference = new Llama2cReference(SharedData.Stories260K);
        (int[] prompt, int[] expected) = Fixture().Last();
        Assert.Equal(expected[..60], reference.Greedy(prompt, 60));
    }

    private static IEnumerable<(int[] Prompt, int[] Generated)> Fixture()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Engines", "Fixtures", "llama2c-stories260K-greedy.txt");
        foreach (string line in File.ReadLines(path).Where(l => !l.StartsWith('#')))
        {
            string[] parts = line.Split('|');
            yield return (Parse(parts[0]), Parse(parts[1]));
        }

        static int[] Parse(string s) => [.. s.Split(',', StringSplitOptions.TrimEntries).Select(int.Parse)];
    }
}
