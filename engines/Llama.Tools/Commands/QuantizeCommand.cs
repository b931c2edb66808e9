using System.CommandLine;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;

namespace Harness.Engines.Llama.Tools.Commands;

/// <summary>
/// <c>quantize</c>: converts a model to one precision once and saves it as the engine holds it, so runs load it without
/// quantising again (<c>--model hf:DIR</c>), and prints its bytes in memory and on disk beside the fp32 source's.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model spec to convert.", DefaultValueFactory = _ => "preset:smollm2-135m" };
        var precision = new Option<string>("--precision") { Description = $"Target precision: {string.Join(", ", PrecisionNames.All)}.", Required = true };
        var groupSize = new Option<int>("--group-size") { Description = "Int4 columns per scale: 32, 64 or 128.", DefaultValueFactory = _ => Int4Options.DefaultGroupSize };
        var rounding = new Option<string>("--rounding") { Description = "Int4 rounding: nearest or min_error.", DefaultValueFactory = _ => "nearest" };
        var output = new Option<string>("--out", "-o") { Description = "Directory to write (created; files in it are replaced).", Required = true };
        var command = new Command("quantize", "Convert a model to one precision and save it in the engine's stored form (loadable with --model hf:DIR).");
        foreach (Option o in new Option[] { model, precision, groupSize, rounding, output })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            Precision target = PrecisionNames.Parse(parse.GetValue(precision)!);
            int group = parse.GetValue(groupSize);
            if (!Int4Layout.IsSupportedGroup(group))
            {
                throw new EngineException($"--group-size must be 32, 64 or 128, got {group}");
            }

            string directory = parse.GetValue(output)!;
            ModelSpec spec = ModelSpec.Parse(parse.GetValue(model)!);
            var int4 = new Int4Options(group, Int4Options.ParseRounding(parse.GetValue(rounding)));
            (LlamaWeights weights, string? tokenizer, bool synthetic) = LlamaEngineFactory.LoadWeights(spec, target, int4);
            using (weights)
            {
                long disk = SavedModel.Write(weights, directory, tokenizer, synthetic);
                long fp32 = weights.Config.ParameterCount * sizeof(float);
                string grouping = target == Precision.Int4 ? $" in groups of {group}" : string.Empty;
                Console.WriteLine($"{spec} as {target.Name()}{grouping}: {weights.Bytes / 1e6:F1} MB in memory, {disk / 1e6:F1} MB on disk ({Path.Combine(directory, SavedModel.WeightsFile)}); fp32 would be {fp32 / 1e6:F1} MB ({(double)fp32 / disk:F2}x)");
                Console.WriteLine($"load it with --model hf:{directory} --precision {target.Name()}" + (target == Precision.Int4 ? $" (engine option group_size: {group})" : string.Empty));
            }
        });
        return command;
    }
}
