namespace Harness.Scenarios;

/// <summary>
/// The engine and its variants: <see cref="Matrix"/> lists values per option and every combination is one variant;
/// <see cref="Options"/> are set for all of them.
/// </summary>
internal sealed record EngineSpec(
    string Name,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Matrix,
    IReadOnlyDictionary<string, string> Options);
