using Harness.Accuracy;

namespace Harness.Tests.Harness.Accuracy;

public sealed class PerplexityTests
{
    [Fact]
    public void AUniformModelHasThePerplexityOfItsVocabulary()
    {
        const int Vocab = 5;
        int[] ids = [1, 4, 0, 2, 3, 3];
        float[] logits = new float[ids.Length * Vocab];

        (double nll, int tokens) = PerplexityWindows.Score(logits, ids, Vocab);

        Assert.Equal(5, tokens);
        Assert.Equal(Vocab, Math.Exp(nll / tokens), 9);
    }

    [Fact]
    public void AModelThatGivesTheTruthHalfItsMassHasPerplexityTwo()
    {
        // Every row: p = (1/2, 1/4, 1/4); the text is all token 0.
        int[] ids = [0, 0, 0, 0];
        float[] row = [MathF.Log(2), 0f, 0f];
        float[] logits = [.. Enumerable.Repeat(row, ids.Length).SelectMany(r => r)];

        (double nll, int tokens) = PerplexityWindows.Score(logits, ids, 3);

        Assert.Equal(2.0, Math.Exp(nll / tokens), 6);
    }

    [Fact]
    public void WindowsAreDisjointAndStartWithBos()
    {
        int[] tokens = [.. Enumerable.Range(10, 10)];

        IReadOnlyList<int[]> withBos = PerplexityWindows.Split(tokens, window: 4, bos: 1, maxWindows: null);
        IReadOnlyList<int[]> withoutBos = PerplexityWindows.Split(tokens, window: 4, bos: null, maxWindows: 2);

        Assert.Equal([[1, 10, 11, 12, 13], [1, 14, 15, 16, 17], [1, 18, 19]], withBos);
        Assert.Equal([[10, 11, 12, 13], [14, 15, 16, 17]], withoutBos);
    }

    [Fact]
    public void AOneTokenTailWithoutBosPredictsNothingAndIsDropped()
    {
        Assert.Equal([[10, 11, 12]], PerplexityWindows.Split([10, 11, 12, 13], window: 3, bos: null, maxWindows: null));
    }
}
