namespace Harness.Engines;

/// <summary>
/// Implemented by engines that can return their next-token distributions over a whole given sequence (teacher
/// forcing), computed with the same weights and numerics as their generation. Accuracy measurements (KL divergence
/// and top-1 agreement against a reference, perplexity) are built on it.
/// </summary>
/// <remarks>Calls must not overlap each other or generation on the same engine; the harness scores after a load run.</remarks>
public interface ISequenceScorer
{
    /// <summary>Entries in one row of logits.</summary>
    int VocabSize { get; }

    /// <summary>
    /// Logits for every position of <paramref name="ids"/>: [T, vocab] row-major fp32, where row t is the distribution
    /// of the token that follows ids[0..t].
    /// </summary>
    /// <exception cref="EngineException">The sequence is empty, longer than the context, or holds ids outside the vocabulary.</exception>
    float[] ScoreSequence(IReadOnlyList<int> ids);
}
