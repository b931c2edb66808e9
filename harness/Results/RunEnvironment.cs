using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>Where a run happened, so two result files can be judged comparable (or not).</summary>
internal sealed record RunEnvironment(
    [property: JsonPropertyName("cpu")] string Cpu,
    [property: JsonPropertyName("cores")] int Cores,
    [property: JsonPropertyName("memory_bytes")] long MemoryBytes,
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("dotnet")] string Dotnet,
    [property: JsonPropertyName("packages")] IReadOnlyDictionary<string, string> Packages,
    [property: JsonPropertyName("git_commit")] string? GitCommit,
    [property: JsonPropertyName("load_average")] string LoadAverage);
