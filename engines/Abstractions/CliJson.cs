using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Engines;

/// <summary>JSON settings for what the CLI prints (shared by the core and the engines' tools).</summary>
public static class CliJson
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
