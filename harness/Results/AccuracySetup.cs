using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>
/// What a run's accuracy figures were measured against and how (<c>accuracy</c> at the top of <c>result.json</c>),
/// present only when the scenario has an <c>accuracy:</c> section.
/// </summary>
/// <param name="Reference">The reference's name: a variant name, or e.g. "fp32 (options of variant bf16)" for a separate build.</param>
/// <param name="ReferenceVariant">The variant of this run that is the reference (same options), or null.</param>
/// <param name="ReferenceConfig">The reference's engine options.</param>
/// <param name="ReferenceWeightsBytes">Weights of the reference build (0 when it was not built), for size ratios.</param>
/// <param name="Methods">One line per measurement: units, lengths, seeds, the exact-match rule, the intervals.</param>
/// <param name="Error">Why the reference outputs are missing (its build or generation failed), or null.</param>
internal sealed record AccuracySetup(
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("reference_variant")] string? ReferenceVariant,
    [property: JsonPropertyName("reference_config")] IReadOnlyDictionary<string, string> ReferenceConfig,
    [property: JsonPropertyName("reference_weights_bytes")] long ReferenceWeightsBytes,
    [property: JsonPropertyName("methods")] IReadOnlyList<string> Methods,
    [property: JsonPropertyName("error")] string? Error);
