namespace Harness.Scenarios;

/// <summary>Expands an engine matrix into its variants, in the order the options and values are listed.</summary>
internal static class VariantMatrix
{
    public static IReadOnlyList<EngineVariant> Expand(EngineSpec engine)
    {
        var combos = new List<Dictionary<string, string>> { new(engine.Options, StringComparer.Ordinal) };
        foreach ((string option, IReadOnlyList<string> values) in engine.Matrix)
        {
            combos = [.. combos.SelectMany(c => values.Select(v => new Dictionary<string, string>(c, StringComparer.Ordinal) { [option] = v }))];
        }

        string[] varying = [.. engine.Matrix.Where(m => m.Value.Count > 1).Select(m => m.Key)];
        return [.. combos.Select(c => new EngineVariant(
            varying.Length == 0 ? "default" : string.Join('-', varying.Select(k => c[k])),
            c))];
    }
}
