using System.CommandLine;
using System.Globalization;
using Harness.Engines;
using Harness.Engines.Llama;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Scenarios;

namespace Harness.Cli;

/// <summary><c>list</c>: the scenarios on disk, the model presets, and the engines with what each can do.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var scenariosDir = new Option<string>("--scenarios") { Description = "Folder of scenario files.", DefaultValueFactory = _ => "scenarios" };
        var command = new Command("list", "List scenarios, model presets and engines with their capabilities.");
        command.Options.Add(scenariosDir);
        command.SetAction(parse =>
        {
            Write(Console.Out, parse.GetValue(scenariosDir)!);
            return ExitCodes.Success;
        });
        return command;
    }

    public static void Write(TextWriter o, string scenariosDir)
    {
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

        o.WriteLine();
        o.WriteLine("shipped models (trained by the project; a scenario without a model runs 'default'):");
        foreach ((string name, string how) in new[] { ("default", "trained by `train` on the .NET SDK's documentation"), ("default-distilled", "distilled from default by `distill`") })
        {
            (LlamaWeights weights, _, _) = LlamaEngineFactory.LoadWeights(ModelSpec.Parse(name), Precision.Fp32);
            using (weights)
            {
                LlamaConfig c = weights.Config;
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-18} {c.ParameterCount / 1e6:F2} M parameters, {c.NumLayers} layers, hidden {c.HiddenSize}, vocab {c.VocabSize}, {c.MaxPositions} positions; {how}"));
            }
        }
        o.WriteLine();
        o.WriteLine("model presets (preset:NAME, synthetic weights at real shapes):");
        foreach (string name in ModelPresets.Names)
        {
            LlamaConfig c = ModelPresets.Config(name);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-14} {c.ModelType}, {c.NumLayers} layers, hidden {c.HiddenSize}, heads {c.NumHeads}/{c.NumKvHeads} kv, vocab {c.VocabSize}, {c.MaxPositions} positions"));
        }

        o.WriteLine();
        o.WriteLine("engines:");
        foreach (string name in EngineRegistry.Names)
        {
            EngineCapabilities c = EngineRegistry.Describe(name);
            o.WriteLine($"  {name} ({c.Engine}, {c.Device}): precision {string.Join('|', c.Precisions)}; attention {string.Join('|', c.AttentionKinds)}; batching {string.Join('|', c.BatchingModes)}; tp {string.Join('|', c.TensorParallelSizes)}; max context {c.MaxContextTokens}");
        }
    }
}
