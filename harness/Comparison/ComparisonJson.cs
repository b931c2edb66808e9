using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Comparison;

/// <summary>
/// <c>compare --json</c>: the whole <see cref="RunComparison"/> as one snake_case object (enums as snake_case strings,
/// NaN as "NaN"), for CI scripts and dashboards.
/// </summary>
internal static class ComparisonJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(RunComparison comparison) => JsonSerializer.Serialize(comparison, Options);
}
