using System.CommandLine;
using Harness.Engines;
using Harness.Engines.Options;

namespace Harness.Cli;

/// <summary>
/// How every command that builds an engine chooses it: <c>--model</c>, <c>--engine</c> and repeatable
/// <c>--set key=value</c>, parsed by the engine's own option schema exactly as a scenario's options are.
/// </summary>
internal sealed class EngineOptionSet
{
    public Option<string> Model { get; } = new("--model", "-m")
    {
        Description = "Model spec: default (the embedded model), hf:DIR, llama2c:FILE or preset:NAME (see `list`).",
        Required = true,
    };

    public Option<string?> Engine { get; } = new("--engine")
    {
        Description = "Engine name (see `list`); the first registered engine by default.",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "An engine option, key=value, as a scenario sets it (e.g. --set precision=int4 --set tp=2); see `list` for each engine's options. Repeatable.",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Model);
        command.Options.Add(Engine);
        command.Options.Add(Set);
    }

    /// <summary>The chosen engine with its options parsed and checked; nothing is loaded yet.</summary>
    /// <exception cref="EngineException">A malformed <c>--set</c>, an unknown engine or a bad option, in one line.</exception>
    public (IEngineFactory Factory, EngineSettings Settings) Bind(ParseResult parse, EngineRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(registry);
        IEngineFactory factory = registry.Get(parse.GetValue(Engine) ?? registry.DefaultEngine);
        return (factory, factory.Validate(OptionPairs.Parse(parse.GetValue(Set) ?? [])));
    }
}
