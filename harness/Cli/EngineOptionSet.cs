using System.CommandLine;
using Harness.Engines;

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
    /// <exception cref="HarnessInputException">A malformed <c>--set</c>, in one line.</exception>
    /// <exception cref="EngineException">An unknown engine or a bad option, in one line.</exception>
    public (IEngineFactory Factory, EngineSettings Settings) Bind(ParseResult parse, EngineRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(registry);
        IEngineFactory factory = registry.Get(parse.GetValue(Engine) ?? registry.DefaultEngine);
        return (factory, factory.Validate(Pairs(parse.GetValue(Set) ?? [])));
    }

    /// <summary><c>key=value</c> entries as a map; a key given twice keeps its last value, as on most command lines.</summary>
    public static IReadOnlyDictionary<string, string> Pairs(IEnumerable<string> entries)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new HarnessInputException($"--set '{entry}': expected key=value, e.g. precision=int4");
            }

            map[entry[..eq].Trim()] = entry[(eq + 1)..].Trim();
        }

        return map;
    }
}
