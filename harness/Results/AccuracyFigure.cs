using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>One accuracy figure with its interval (<c>variants[].accuracy.*</c>).</summary>
/// <param name="Value">The estimate over all units.</param>
/// <param name="CiLow">Lower end of the interval.</param>
/// <param name="CiHigh">Upper end of the interval.</param>
/// <param name="N">Independent units the estimate and interval rest on (sequences, prompts, windows, items, requests).</param>
/// <param name="Unit">What <paramref name="N"/> counts.</param>
/// <param name="Interval">"bootstrap" (percentile bootstrap over whole units) or "wilson" (score interval of a proportion).</param>
/// <param name="Confidence">The interval's level (0.95).</param>
/// <param name="Tokens">Token positions behind the figure, where it has any (scored positions, generated tokens).</param>
internal sealed record AccuracyFigure(
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("interval")] string Interval,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("tokens"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Tokens = null);
