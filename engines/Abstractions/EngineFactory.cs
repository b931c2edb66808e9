using Harness.Engines.Options;

namespace Harness.Engines;

/// <summary>
/// Base for a factory whose engine reads one typed options record: the schema parses the map, <see cref="Bind"/> turns
/// the values into <typeparamref name="TOptions"/> (and checks how they combine), and <see cref="Create(string, TOptions)"/>
/// builds from that record alone, so options are parsed in exactly one place per engine.
/// </summary>
public abstract class EngineFactory<TOptions> : IEngineFactory
    where TOptions : class
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract OptionSchema Schema { get; }

    public abstract EngineCapabilities Capabilities { get; }

    public EngineSettings Validate(IReadOnlyDictionary<string, string> options)
    {
        OptionValues values = Schema.Read(options, Name);
        return new EngineSettings(Name, values, Bind(values));
    }

    public IInferenceEngine Create(string modelSpec, EngineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Typed is TOptions options && settings.Engine == Name
            ? Create(modelSpec, options)
            : throw new ArgumentException($"settings for engine '{settings.Engine}' passed to engine '{Name}'", nameof(settings));
    }

    public virtual IEnumerable<string> DescribeModels() => [];

    public virtual bool? HasTokenizer(string modelSpec) => null;

    public virtual IReadOnlyDictionary<string, string> ReferenceOptions(IReadOnlyDictionary<string, string> options, int batch, int contextTokens) => options;

    /// <exception cref="EngineException">Options that parse alone but not together.</exception>
    protected abstract TOptions Bind(OptionValues values);

    protected abstract IInferenceEngine Create(string modelSpec, TOptions options);
}
