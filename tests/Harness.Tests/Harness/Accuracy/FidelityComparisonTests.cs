using Harness.Accuracy;

namespace Harness.Tests.Harness.Accuracy;

public sealed class FidelityComparisonTests
{
    [Fact]
    public void HandMadeLogitsGiveTheHandComputedKlAndAgreement()
    {
        // Row 0: P = (1/2, 1/2), Q = (3/4, 1/4): KL = 1/2 ln(2/3) + 1/2 ln 2 = 1/2 ln(4/3). Both argmaxes are 0 (P ties, lowest wins).
        // Row 1: P = (1/4, 3/4), Q = (3/4, 1/4): KL = 1/4 ln(1/3) + 3/4 ln 3 = 1/2 ln 3; argmaxes 1 and 0 disagree.
        float[] reference = [0f, 0f, 0f, MathF.Log(3)];
        float[] variant = [MathF.Log(3), 0f, MathF.Log(3), 0f];

        SequenceFidelity s = FidelityComparison.Compare(reference, variant, vocab: 2);

        Assert.Equal(2, s.Positions);
        Assert.Equal(1, s.Top1Agreements);
        Assert.Equal(0.5 * Math.Log(4.0 / 3) + 0.5 * Math.Log(3), s.KlSum, 6);
    }

    [Fact]
    public void AModelComparedWithItselfHasExactlyZeroKlAndFullAgreement()
    {
        var rng = new Random(5);
        float[] logits = [.. Enumerable.Range(0, 7 * 1000).Select(_ => (float)(rng.NextDouble() * 20 - 10))];

        SequenceFidelity s = FidelityComparison.Compare(logits, [.. logits], vocab: 1000);

        Assert.Equal(0.0, s.KlSum);
        Assert.Equal(7, s.Top1Agreements);
    }

    [Fact]
    public void LogitsInTheThousandsStayFiniteAndExact()
    {
        // exp(1000) overflows a double; shifting by the maximum must make this the two-token case exactly.
        // Logits one apart are exact in fp32 at this size: P = (e, 1, ~0) / (e + 1), Q = (1/2, 1/2, ~0).
        float[] reference = [1000f, 999f, -1000f];
        float[] variant = [2000f, 2000f, -5000f];
        double p0 = Math.E / (Math.E + 1), p1 = 1 / (Math.E + 1);
        double expected = p0 * Math.Log(p0 / 0.5) + p1 * Math.Log(p1 / 0.5);

        SequenceFidelity s = FidelityComparison.Compare(reference, variant, vocab: 3);

        Assert.True(double.IsFinite(s.KlSum));
        Assert.Equal(expected, s.KlSum, 12);
    }

    [Fact]
    public void LogSoftmaxIsANormalisedDistribution()
    {
        float[] logits = [3f, -1f, 0.5f, 12f, -40f];
        double[] logProbs = new double[logits.Length];

        LogSoftmax.Compute(logits, logProbs);

        Assert.Equal(1.0, logProbs.Sum(Math.Exp), 12);
        Assert.Equal(logits[0] - logits[1], logProbs[0] - logProbs[1], 6);
    }

    [Fact]
    public void MismatchedShapesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => FidelityComparison.Compare(new float[6], new float[4], vocab: 2));
        Assert.Throws<ArgumentException>(() => FidelityComparison.Compare(new float[5], new float[5], vocab: 2));
    }
}
