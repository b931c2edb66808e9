namespace Harness.Accuracy;

/// <summary>
/// Log-probabilities from one row of logits, in double: the maximum is subtracted before exponentiating (no overflow
/// at logits of 1000) and the log-sum-exp is accumulated in double, so a fp32 row of 50k entries loses nothing that
/// a KL of 1e-6 nats would notice.
/// </summary>
internal static class LogSoftmax
{
    public static void Compute(ReadOnlySpan<float> logits, Span<double> logProbs)
    {
        if (logProbs.Length != logits.Length || logits.IsEmpty)
        {
            throw new ArgumentException($"need one output per logit and at least one logit, got {logits.Length} logits and {logProbs.Length} outputs");
        }

        double max = double.NegativeInfinity;
        foreach (float x in logits)
        {
            max = Math.Max(max, x);
        }

        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double shifted = logits[i] - max;
            logProbs[i] = shifted;
            sum += Math.Exp(shifted);
        }

        double logSum = Math.Log(sum);
        for (int i = 0; i < logProbs.Length; i++)
        {
            logProbs[i] -= logSum;
        }
    }
}
