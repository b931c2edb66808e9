namespace Harness.Scenarios;

/// <summary>
/// Expands an engine matrix into its variants, in the order the options and values are listed. A variant is named by
/// its values of the options that vary, joined by '-'; a number is prefixed by its option's name ("tp2", "max_batch8"),
/// since a bare number does not say what it counts. Named variants (<c>engine.variants</c>) keep their names.
/// </summary>
internal static class VariantMatrix
{
    public static IReadOnlyList<EngineVariant> Expand(EngineSpec engine)
    {
        if (engine.Variants is { Count: > 0 } listed)
        {
            // Named variants: the shared options, then each variant's own.
            return [.. listed.Select(v => new EngineVariant(v.Key, new Dictionary<string, string>(engine.Options.Concat(v.Value).GroupBy(p => p.Key).Select(g => g.Last()).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal)))];
        }

        var combos = new List<Dictionary<string, string>> { new(engine.Options, StringComparer.Ordinal) };
        foreach ((string option, IReadOnlyList<string> values) in engine.Matrix)
        {
            combos = [.. combos.SelectMany(c => values.Select(v => new Dictionary<string, string>(c, StringComparer.Ordinal) { [option] = v }))];
        }

        string[] varying = [.. engine.Matrix.Where(m => m.Value.Count > 1).Select(m => m.Key)];
        return [.. combos.Select(c => new EngineVariant(
            varying.Length == 0 ? "default" : string.Join('-', varying.Select(k => Label(k, c[k]))),
            c))];
    }

    private static string Label(string option, string value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) ? option + value : value;
}
