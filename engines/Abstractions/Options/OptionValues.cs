namespace Harness.Engines.Options;

/// <summary>
/// One variant's options, parsed and complete: every option of the schema has its given value or its default. Engines
/// read them once into their own typed options record.
/// </summary>
public sealed class OptionValues
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    internal OptionValues(OptionSchema schema, IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, string> given)
    {
        Schema = schema;
        _values = values;
        Given = given;
    }

    public OptionSchema Schema { get; }

    /// <summary>The options the variant set, under their canonical names, as written.</summary>
    public IReadOnlyDictionary<string, string> Given { get; }

    /// <summary>Every option's value as text: as given, else its default (an option with neither is left out).</summary>
    public IReadOnlyDictionary<string, string> Effective => Schema.Options
        .Where(o => Given.ContainsKey(o.Name) || o.Default is not null)
        .ToDictionary(o => o.Name, o => Given.TryGetValue(o.Name, out string? v) ? v : o.Default!, StringComparer.Ordinal);

    /// <summary>Whether the variant set <paramref name="name"/> (rather than taking its default).</summary>
    public bool IsSet(string name) => Given.ContainsKey(Schema[name].Name);

    public string? Text(string name) => Get<string>(name, OptionType.Text);

    public string Choice(string name) => Get<string>(name, OptionType.Choice) ?? throw NoValue(name);

    public int Integer(string name) => Get<int?>(name, OptionType.Integer) ?? throw NoValue(name);

    public double Fraction(string name) => Get<double?>(name, OptionType.Fraction) ?? throw NoValue(name);

    public bool Boolean(string name) => Get<bool?>(name, OptionType.Boolean) ?? throw NoValue(name);

    /// <summary>Bytes.</summary>
    public long Size(string name) => Get<long?>(name, OptionType.Size) ?? throw NoValue(name);

    public TimeSpan Duration(string name) => Get<TimeSpan?>(name, OptionType.Duration) ?? throw NoValue(name);

    private T? Get<T>(string name, OptionType type)
    {
        EngineOption option = Schema[name];
        if (option.Type != type)
        {
            // Reading an option as another type is a bug in the engine, not the user's input.
            throw new InvalidOperationException($"option '{option.Name}' is a {option.Type}, read as {type}");
        }

        return _values[option.Name] is { } v ? (T)v : default;
    }

    private InvalidOperationException NoValue(string name) => new($"option '{Schema[name].Name}' has no default and was not set");
}
