namespace Harness.Accuracy;

/// <summary>
/// What the reference produced once per run, reused by every variant: the teacher-forced sequences with the
/// reference's logits over them, and greedy continuations of fixed prompts.
/// </summary>
/// <param name="Sequences">Teacher-forced token ids, one array per sequence (empty without fidelity).</param>
/// <param name="Logits">Per sequence, the reference's [T, vocab] row-major logits.</param>
/// <param name="VocabSize">Entries in one row of logits.</param>
/// <param name="GreedyPrompts">Prompt ids (empty without greedy).</param>
/// <param name="GreedyOutputs">The reference's greedy continuation of each prompt.</param>
/// <param name="WeightsBytes">The reference build's weights, for size ratios.</param>
/// <param name="Notes">What a reader must know (e.g. fewer sequences than asked because the text was short).</param>
internal sealed record ReferenceOutputs(
    IReadOnlyList<int[]> Sequences,
    IReadOnlyList<float[]> Logits,
    int VocabSize,
    IReadOnlyList<int[]> GreedyPrompts,
    IReadOnlyList<int[]> GreedyOutputs,
    long WeightsBytes,
    IReadOnlyList<string> Notes);
