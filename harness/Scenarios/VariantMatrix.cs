using Harness.Engines;

namespace Harness.Scenarios;

/// <summary>
/// Expands an engine matrix into its variants, in the order the options and values are listed. A variant is named by
/// its values of the options that vary, joined by '-'; a number is prefixed by its option's name ("tp2", "max_batch8"),
/// since a bare number does not say what it counts. Named variants (<c>engine.variants</c>) keep their names. A
/// variant's <c>engine</c> key (in the matrix or a named variant) picks its backend; the others run <c>engine.name</c>.
/// </summary>
internal static class VariantMatrix
{
    /// <param name="defaultEngine">The engine of variants that name none when the scenario names none either: the
    /// runner's registry's first; <see cref="EngineRegistry.Default"/>'s when not given.</param>
    public static IReadOnlyList<EngineVariant> Expand(EngineSpec engine, string? defaultEngine = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        string fallback = engine.Name ?? defaultEngine ?? EngineRegistry.Default.DefaultEngine;
        if (engine.Variants is { Count: > 0 } listed)
        {
            // Named variants: the shared options, then each variant's own.
            return [.. listed.Select(v => Variant(fallback, v.Key, engine.Options.Concat(v.Value).GroupBy(p => p.Key).Select(g => g.Last()).ToDictionary(p => p.Key, p => p.Value)))];
        }

        var combos = new List<Dictionary<string, string>> { new(engine.Options, StringComparer.Ordinal) };
        foreach ((string option, IReadOnlyList<string> values) in engine.Matrix)
        {
            combos = [.. combos.SelectMany(c => values.Select(v => new Dictionary<string, string>(c, StringComparer.Ordinal) { [option] = v }))];
        }

        string[] varying = [.. engine.Matrix.Where(m => m.Value.Count > 1).Select(m => m.Key)];
        return [.. combos.Select(c => Variant(fallback, varying.Length == 0 ? "default" : string.Join('-', varying.Select(k => Label(k, c[k]))), c))];
    }

    // A variant runs the scenario's engine unless it names its own.
    private static EngineVariant Variant(string engine, string name, Dictionary<string, string> config) =>
        new(name, config.TryGetValue(EngineVariant.EngineKey, out string? own) && own.Trim().Length > 0 ? own.Trim() : engine, new Dictionary<string, string>(config, StringComparer.Ordinal));

    private static string Label(string option, string value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) ? option + value : value;
}
