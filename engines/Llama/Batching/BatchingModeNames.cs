namespace Harness.Engines.Llama.Batching;

/// <summary>The names scenario files and the CLI use for <see cref="BatchingMode"/>.</summary>
public static class BatchingModeNames
{
    public static IReadOnlyList<string> All { get; } = ["none", "static", "continuous"];

    public static BatchingMode Parse(string name) => name.ToLowerInvariant() switch
    {
        "none" or "single" => BatchingMode.None,
        "static" => BatchingMode.Static,
        "continuous" => BatchingMode.Continuous,
        _ => throw new EngineException($"unknown batching '{name}' (supported: {string.Join(", ", All)})"),
    };

    public static string Name(this BatchingMode mode) => All[(int)mode];
}
