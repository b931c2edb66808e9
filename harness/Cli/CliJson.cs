using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Cli;

/// <summary>JSON settings for what the CLI prints.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
