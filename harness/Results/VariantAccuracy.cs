using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>
/// A variant's accuracy (<c>variants[].accuracy</c>), present only when the scenario has an <c>accuracy:</c> section.
/// A figure is null (and left out of the file) when it was not configured, not applicable, or failed; <see cref="Notes"/>
/// says which and why.
/// </summary>
/// <param name="Reference">What KL, top-1 and greedy agreement were measured against (<see cref="AccuracySetup.Reference"/>).</param>
/// <param name="IsReference">True for the variant that is the reference itself (its KL must be 0: a check, not a finding).</param>
/// <param name="Notes">What was not measured and why, and anything a reader must know to read the figures.</param>
/// <param name="KlMean">Mean KL(reference || variant) per teacher-forced position, in nats.</param>
/// <param name="Top1Agreement">Fraction of teacher-forced positions whose argmax equals the reference's.</param>
/// <param name="GreedyMatchTokens">Mean length of the identical prefix of greedy continuations, in tokens.</param>
/// <param name="Perplexity">exp(mean NLL per token) of the held-out text.</param>
/// <param name="ExactMatch">Fraction of task items answered correctly.</param>
/// <param name="LoadAgreement">Fraction of measured requests whose greedy output under load equals its single-stream regeneration.</param>
/// <param name="LoadAgreementPrefixTokens">Mean identical prefix of those two outputs, in tokens.</param>
internal sealed record VariantAccuracy(
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("is_reference")] bool IsReference,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes,
    [property: JsonPropertyName("kl_mean"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccuracyFigure? KlMean = null,
    [property: JsonPropertyName("top1_agreement"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccuracyFigure? Top1Agreement = null,
    [property: JsonPropertyName("greedy_match_tokens"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccuracyFigure? GreedyMatchTokens = null,
    [property: JsonPropertyName("perplexity"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccuracyFigure? Perplexity = null,
    [property: JsonPropertyName("exact_match"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccuracyFigure? ExactMatch = null,
    [property: JsonPropertyName("load_agreement"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccuracyFigure? LoadAgreement = null,
    [property: JsonPropertyName("load_agreement_prefix_tokens"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccuracyFigure? LoadAgreementPrefixTokens = null);
