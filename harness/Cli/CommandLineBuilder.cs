using System.CommandLine;
using Harness.Engines;

namespace Harness.Cli;

/// <summary>The harness's commands.</summary>
internal static class CommandLineBuilder
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Benchmarking and evaluation harness for LLM inference engines and their variants.");
        root.Subcommands.Add(GenerateCommand.Create());
        foreach (Command tool in EngineRegistry.ToolCommands())
        {
            root.Subcommands.Add(tool);
        }

        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        return root;
    }
}
