namespace Harness.Engines;

/// <summary>What greedy decoding means for every engine, so the harness's top-1 agreement matches their choices.</summary>
public static class Logits
{
    /// <summary>Index of the largest logit; the lowest index wins a tie (as llama2.c's argmax does).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("argmax of no logits", nameof(logits));
        }

        int best = 0;
        float bestValue = logits[0];
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > bestValue)
            {
                bestValue = logits[i];
                best = i;
            }
        }

        return best;
    }
}
