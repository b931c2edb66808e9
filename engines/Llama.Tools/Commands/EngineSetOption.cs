using System.CommandLine;
using Harness.Engines.Options;

namespace Harness.Engines.Llama.Tools.Commands;

/// <summary>
/// <c>--set key=value</c> for the Llama engine's tools: the engine's own schema parses the values, with the same names
/// and defaults as in a scenario. A tool refuses the options it does not use, so none is silently ignored.
/// </summary>
internal sealed class EngineSetOption
{
    public Option<string[]> Option { get; } = new("--set")
    {
        Description = "A Llama engine option, key=value, as a scenario sets it (see `list`). Repeatable.",
        DefaultValueFactory = _ => [],
    };

    /// <param name="command">The tool's name, for the message.</param>
    /// <param name="used">The options the tool reads.</param>
    /// <exception cref="EngineException">A malformed entry, a bad value, or an option the tool does not use.</exception>
    public (LlamaOptions Options, OptionValues Values) Parse(ParseResult parse, string command, params string[] used)
    {
        ArgumentNullException.ThrowIfNull(parse);
        OptionValues values = LlamaOptions.Schema.Read(OptionPairs.Parse(parse.GetValue(Option) ?? []), LlamaOptions.EngineName);
        if (values.Given.Keys.FirstOrDefault(k => !used.Contains(k)) is { } other)
        {
            throw new EngineException($"{command} does not use engine option '{other}' (it reads: {string.Join(", ", used)})");
        }

        return (LlamaOptions.From(values), values);
    }
}
