namespace Harness.Engines.Options;

/// <summary>
/// The options one engine accepts. <see cref="Read"/> turns a variant's option map (scenario keys to text) into typed
/// <see cref="OptionValues"/>, refusing an unknown name or a bad value in one line before anything is built; the same
/// list documents the engine in <c>list</c>.
/// </summary>
public sealed class OptionSchema
{
    private readonly Dictionary<string, EngineOption> _byName = new(StringComparer.Ordinal);

    public OptionSchema(IEnumerable<EngineOption> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = [.. options];
        foreach (EngineOption option in Options)
        {
            foreach (string name in option.Aliases.Prepend(option.Name))
            {
                if (!_byName.TryAdd(name, option))
                {
                    throw new ArgumentException($"option name '{name}' is declared twice", nameof(options));
                }
            }

            if (option.Default is { } value)
            {
                // A default that its own parser refuses is a bug in the engine's declaration: fail at start-up.
                _ = OptionValueParser.Parse(option, value);
            }
        }
    }

    /// <summary>In declaration order.</summary>
    public IReadOnlyList<EngineOption> Options { get; }

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The option named <paramref name="name"/> or one of its aliases.</summary>
    public EngineOption this[string name] => _byName.TryGetValue(name, out EngineOption? o)
        ? o
        : throw new KeyNotFoundException($"no option '{name}' in this schema");

    /// <param name="map">Option names (or aliases) to their text, as a scenario or <c>--set</c> gives them.</param>
    /// <param name="engine">The engine's name, for messages.</param>
    /// <exception cref="EngineException">An unknown name, a name given twice through an alias, or a bad value.</exception>
    public OptionValues Read(IReadOnlyDictionary<string, string> map, string engine)
    {
        ArgumentNullException.ThrowIfNull(map);
        var given = new Dictionary<string, object>(StringComparer.Ordinal);
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!_byName.TryGetValue(key, out EngineOption? option))
            {
                throw new EngineException($"engine '{engine}' has no option '{key}' (its options: {string.Join(", ", Options.Select(o => o.Name))})");
            }

            if (given.ContainsKey(option.Name))
            {
                throw new EngineException($"engine '{engine}': option '{option.Name}' is set twice (once as '{key}')");
            }

            given[option.Name] = OptionValueParser.Parse(option, value);
            text[option.Name] = value.Trim();
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (EngineOption option in Options)
        {
            values[option.Name] = given.TryGetValue(option.Name, out object? v) ? v
                : option.Default is { } d ? OptionValueParser.Parse(option, d)
                : null;
        }

        return new OptionValues(this, values, text);
    }
}
