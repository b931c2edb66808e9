using System.CommandLine;
using System.Globalization;
using Harness.Engines;
using Harness.Engines.Options;
using Harness.Scenarios;

namespace Harness.Cli;

/// <summary><c>list</c>: the scenarios on disk, and each registered engine with its options (read from its schema) and models.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var scenariosDir = new Option<string>("--scenarios") { Description = "Folder of scenario files.", DefaultValueFactory = _ => "scenarios" };
        var command = new Command("list", "List scenarios, and every engine with its options, defaults and models.");
        command.Options.Add(scenariosDir);
        command.SetAction(parse =>
        {
            Write(Console.Out, parse.GetValue(scenariosDir)!);
            return ExitCodes.Success;
        });
        return command;
    }

    public static void Write(TextWriter o, string scenariosDir, EngineRegistry? registry = null)
    {
        registry ??= EngineRegistry.Default;
        ArgumentNullException.ThrowIfNull(o);
        o.WriteLine($"scenarios ({scenariosDir}):");
        string[] files = Directory.Exists(scenariosDir)
            ? [.. Directory.EnumerateFiles(scenariosDir).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)]
            : [];
        if (files.Length == 0)
        {
            o.WriteLine("  (none)");
        }

        foreach (string file in files)
        {
            try
            {
                Scenario s = ScenarioLoader.Load(file);
                o.WriteLine($"  {Path.GetFileName(file),-28} {s.Name}: {s.Description} [model {s.Model}, {VariantMatrix.Expand(s.Engine).Count} variants, load {s.Load.Pattern}]");
            }
            catch (HarnessInputException ex)
            {
                // A broken scenario is listed with its problem rather than hiding the others.
                o.WriteLine($"  {Path.GetFileName(file),-28} (invalid: {ex.Message})");
            }
        }

        foreach (IEngineFactory engine in registry.Factories)
        {
            o.WriteLine();
            o.WriteLine($"engine {engine.Name}{(engine.Name == registry.DefaultEngine ? " (default)" : string.Empty)}: {engine.Description}");
            EngineCapabilities c = engine.Capabilities;
            o.WriteLine($"  {c.Engine} on {c.Device}; scores sequences: {YesNo(c.ScoresSequences)}; scheduler telemetry: {YesNo(c.ReportsSchedulerTelemetry)}; tokens stream {(c.Streaming == TokenStreaming.PerToken ? "one by one" : "in chunks")}");
            o.WriteLine("  options (scenario engine.options / matrix / variants, or --set key=value):");
            foreach (EngineOption option in engine.Schema.Options)
            {
                string aliases = option.Aliases.Count > 0 ? $" (also {string.Join(", ", option.Aliases)})" : string.Empty;
                o.WriteLine($"    {option.Name + aliases,-28} {option.TypeText,-48} default {option.Default ?? "(none)",-10} {option.Help}");
            }

            string[] models = [.. engine.DescribeModels()];
            if (models.Length > 0)
            {
                o.WriteLine("  models (--model, scenario model:):");
                foreach (string model in models)
                {
                    o.WriteLine($"    {model}");
                }
            }
        }
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
