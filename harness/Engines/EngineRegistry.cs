using System.CommandLine;
using Harness.Engines.Llama;
using Harness.Engines.Llama.Tools;

namespace Harness.Engines;

/// <summary>
/// The engines the harness can drive, by name. <see cref="Default"/> is the one list of backends (and
/// <see cref="ToolCommands"/> of their tools); the rest of the harness finds engines here and knows them only through
/// <see cref="IEngineFactory"/>. Tests build registries of their
/// own to add engines.
/// </summary>
internal sealed class EngineRegistry
{
    private readonly IReadOnlyList<IEngineFactory> _factories;

    public EngineRegistry(IEnumerable<IEngineFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        _factories = [.. factories];
        if (_factories.Count == 0)
        {
            throw new ArgumentException("a registry needs an engine", nameof(factories));
        }

        if (_factories.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"engine '{twice.Key}' is registered twice", nameof(factories));
        }
    }

    /// <summary>Every backend this build ships; the first is the default engine of a scenario that names none.</summary>
    public static EngineRegistry Default { get; } = new([new LlamaEngineFactory()]);

    public IReadOnlyList<IEngineFactory> Factories => _factories;

    /// <summary>Commands the backends bring for their own models (training, quantisation, their benchmarks).</summary>
    public static IEnumerable<Command> ToolCommands() => LlamaTools.Commands();

    /// <summary>The engine a scenario that names none runs.</summary>
    public string DefaultEngine => _factories[0].Name;

    /// <summary>The engine named <paramref name="name"/> (names match without regard to case), or null.</summary>
    public IEngineFactory? Find(string name) => _factories.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <exception cref="EngineException">No engine of that name, listing the ones there are.</exception>
    public IEngineFactory Get(string name) =>
        Find(name)
        ?? throw new EngineException($"unknown engine '{name}' (available: {string.Join(", ", _factories.Select(f => f.Name))})");

    /// <summary>Validates <paramref name="options"/> with engine <paramref name="name"/> and builds it for <paramref name="modelSpec"/>.</summary>
    public IInferenceEngine Create(string name, string modelSpec, IReadOnlyDictionary<string, string> options)
    {
        IEngineFactory factory = Get(name);
        return factory.Create(modelSpec, factory.Validate(options));
    }
}
