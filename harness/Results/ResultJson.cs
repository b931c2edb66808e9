using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Harness.Results;

/// <summary>The JSON settings <c>result.json</c> is written and read with.</summary>
internal static class ResultJson
{
    /// <summary>
    /// Indented snake_case. NaN and infinities (an empty variant's percentiles, a zero-length duration) are written as
    /// the strings "NaN", "Infinity", "-Infinity" and read back as such, rather than crashing the writer.
    /// Get-only computed properties (e.g. <c>Slo.IsEmpty</c>) are left out: they are derived, not data.
    /// Missing non-nullable fields are rejected on read, so a truncated or hand-edited file fails loudly.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropComputedProperties } },
    };

    private static void DropComputedProperties(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (int i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            JsonPropertyInfo p = typeInfo.Properties[i];
            if (p.Set is null && p.AssociatedParameter is null)
            {
                typeInfo.Properties.RemoveAt(i);
            }
        }
    }
}
