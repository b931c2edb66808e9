namespace Harness.Scenarios;

/// <summary>
/// The engine and its variants: <see cref="Matrix"/> lists values per option and every combination is one variant;
/// or <see cref="Variants"/> names each variant with its own options (for variants that differ in several options at
/// once, e.g. a pruned model beside a distilled one). <see cref="Options"/> are set for all of them.
/// </summary>
/// <param name="Name">The engine of variants that name none (<c>engine.name</c>); null: the registry's default engine.</param>
/// <param name="Variants">Named variants in file order, each with the options it sets; empty when the matrix is used.</param>
internal sealed record EngineSpec(
    string? Name,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Matrix,
    IReadOnlyDictionary<string, string> Options,
    IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, string>>>? Variants = null);
