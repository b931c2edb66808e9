using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Engines.Llama.Tools.Commands;

/// <summary>JSON settings for what the CLI prints (public: the core's <c>generate</c> and <c>bench-tp</c> print with them too).</summary>
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
