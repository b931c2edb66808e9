using Harness.Engines;

namespace Harness.Accuracy;

/// <summary>
/// Position-by-position comparison of two models' next-token distributions over the same teacher-forced sequence:
/// KL(reference || variant) = sum_v p_ref(v) (log p_ref(v) - log p_var(v)), and whether the argmax agrees. Identical
/// logits give a KL of exactly 0 (every term is p * 0), so a model compared with itself is a check with no tolerance.
/// </summary>
internal static class FidelityComparison
{
    /// <param name="reference">[T, vocab] row-major logits of the reference.</param>
    /// <param name="variant">[T, vocab] row-major logits of the variant, same sequence.</param>
    public static SequenceFidelity Compare(ReadOnlySpan<float> reference, ReadOnlySpan<float> variant, int vocab)
    {
        if (vocab < 1 || reference.Length != variant.Length || reference.Length % vocab != 0 || reference.IsEmpty)
        {
            throw new ArgumentException($"logits must be two [T, {vocab}] arrays of the same T, got {reference.Length} and {variant.Length} values");
        }

        double[] logP = new double[vocab];
        double[] logQ = new double[vocab];
        int positions = reference.Length / vocab;
        double kl = 0;
        int agreements = 0;
        for (int t = 0; t < positions; t++)
        {
            ReadOnlySpan<float> p = reference.Slice(t * vocab, vocab);
            ReadOnlySpan<float> q = variant.Slice(t * vocab, vocab);
            LogSoftmax.Compute(p, logP);
            LogSoftmax.Compute(q, logQ);
            kl += KlDivergence(logP, logQ);

            // The engines' own argmax (lowest index wins a tie), so agreement means what greedy decoding would do.
            agreements += Logits.ArgMax(p) == Logits.ArgMax(q) ? 1 : 0;
        }

        return new SequenceFidelity(kl, agreements, positions);
    }

    /// <summary>KL(P || Q) from log-probabilities; a token P gives no mass adds nothing (0 log 0 = 0).</summary>
    public static double KlDivergence(ReadOnlySpan<double> logP, ReadOnlySpan<double> logQ)
    {
        double kl = 0;
        for (int i = 0; i < logP.Length; i++)
        {
            double p = Math.Exp(logP[i]);
            if (p > 0)
            {
                kl += p * (logP[i] - logQ[i]);
            }
        }

        return kl;
    }
}
