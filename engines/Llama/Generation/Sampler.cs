namespace Harness.Engines.Llama.Generation;

/// <summary>Chooses the next token from fp32 logits: greedy, or temperature with optional top-k and top-p.</summary>
public static class Sampler
{
    /// <summary>Samples a token. <paramref name="logits"/> is used as scratch and left modified.</summary>
    public static int Sample(Span<float> logits, SamplingParams sampling, ref SplitMix64 rng)
    {
        if (sampling.IsGreedy)
        {
            return Logits.ArgMax(logits);
        }

        // Candidates sorted by logit, descending; top-k cuts the list before the softmax.
        int[] order = new int[logits.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        float[] keys = new float[logits.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = -logits[i];
        }

        Array.Sort(keys, order);
        int kept = sampling.TopK > 0 ? Math.Min(sampling.TopK, order.Length) : order.Length;

        double inverseTemperature = 1.0 / sampling.Temperature;
        double max = logits[order[0]];
        double[] probs = new double[kept];
        double sum = 0;
        for (int i = 0; i < kept; i++)
        {
            probs[i] = Math.Exp((logits[order[i]] - max) * inverseTemperature);
            sum += probs[i];
        }

        // Top-p keeps the smallest prefix of the sorted list whose mass reaches p (at least one token).
        if (sampling.TopP < 1)
        {
            double mass = 0;
            int cut = 0;
            while (cut < kept)
            {
                mass += probs[cut++] / sum;
                if (mass >= sampling.TopP)
                {
                    break;
                }
            }

            kept = cut;
            sum = 0;
            for (int i = 0; i < kept; i++)
            {
                sum += probs[i];
            }
        }

        double r = rng.NextDouble() * sum;
        double acc = 0;
        for (int i = 0; i < kept; i++)
        {
            acc += probs[i];
            if (r < acc)
            {
                return order[i];
            }
        }

        return order[kept - 1];
    }
}
