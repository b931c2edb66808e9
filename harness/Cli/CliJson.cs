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

    private static JsonSerializerOptions FileOptions { get; } = new(Options) { WriteIndented = true };

    /// <summary>Writes a benchmark's full result, indented, to <paramref name="path"/>.</summary>
    public static void WriteFile<T>(string path, T value) => File.WriteAllText(path, JsonSerializer.Serialize(value, FileOptions));
}
