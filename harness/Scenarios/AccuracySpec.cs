namespace Harness.Scenarios;

/// <summary>
/// The scenario's <c>accuracy:</c> section: what each variant's outputs are measured against, and which measurements
/// run after its performance run. Every part is optional; an absent part is not measured.
/// </summary>
/// <param name="Reference">The variant whose outputs are the reference, or null: the first variant's options with
/// precision fp32 (a variant of the run when one has exactly those options, else a separate build).</param>
/// <param name="Fidelity">Teacher-forced KL divergence and top-1 agreement.</param>
/// <param name="Greedy">Identical greedy continuations against the reference.</param>
/// <param name="Perplexity">Perplexity of held-out text (needs a tokenizer).</param>
/// <param name="ExactMatch">A question/answer task (needs a tokenizer).</param>
/// <param name="LoadAgreement">Greedy outputs under load against single-stream regeneration.</param>
internal sealed record AccuracySpec(
    string? Reference,
    FidelitySpec? Fidelity,
    GreedySpec? Greedy,
    PerplexitySpec? Perplexity,
    ExactMatchSpec? ExactMatch,
    LoadAgreementSpec? LoadAgreement)
{
    /// <summary>True when a measurement needs the reference's outputs (so the reference is built).</summary>
    public bool NeedsReference => Fidelity is not null || Greedy is not null;
}
