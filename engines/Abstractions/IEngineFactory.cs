using Harness.Engines.Options;

namespace Harness.Engines;

/// <summary>
/// A backend the harness can drive: its name, what it is, the options it accepts, and how to build it. Factories are
/// listed once, in the harness's engine registry; the measuring core knows engines only through this contract.
/// </summary>
public interface IEngineFactory
{
    /// <summary>The name scenarios use (<c>engine: llama</c>).</summary>
    string Name { get; }

    /// <summary>One line for <c>list</c>.</summary>
    string Description { get; }

    OptionSchema Schema { get; }

    /// <summary>What every engine this factory builds can do.</summary>
    EngineCapabilities Capabilities { get; }

    /// <summary>
    /// Parses one variant's options once, checking each value and how they combine, without loading a model, so a bad
    /// scenario is refused before anything runs.
    /// </summary>
    /// <exception cref="EngineException">The first bad option, in one line.</exception>
    EngineSettings Validate(IReadOnlyDictionary<string, string> options);

    /// <summary>Builds an engine for <paramref name="modelSpec"/> from settings this factory validated.</summary>
    /// <exception cref="EngineException">The model cannot be loaded or does not fit the options.</exception>
    IInferenceEngine Create(string modelSpec, EngineSettings settings);

    /// <summary>The models this engine ships or knows by name, one line each, for <c>list</c>.</summary>
    IEnumerable<string> DescribeModels() => [];

    /// <summary>Whether the model comes with a tokenizer, known from its spec alone; null when the factory cannot tell before loading.</summary>
    bool? HasTokenizer(string modelSpec) => null;

    /// <summary>
    /// Options for a separate build that generates accuracy reference outputs for <paramref name="batch"/> sequences of
    /// up to <paramref name="contextTokens"/> tokens at once. Only serving options may change (numerics must not), so
    /// the default returns the variant's own options.
    /// </summary>
    IReadOnlyDictionary<string, string> ReferenceOptions(IReadOnlyDictionary<string, string> options, int batch, int contextTokens) => options;
}
