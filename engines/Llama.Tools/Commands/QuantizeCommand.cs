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
        var engine = new EngineSetOption();
        var output = new Option<string>("--out", "-o") { Description = "Directory to write (created; files in it are replaced).", Required = true };
        var command = new Command("quantize", "Convert a model to one precision and save it in the engine's stored form (loadable with --model hf:DIR).");
        foreach (Option o in new Option[] { model, engine.Option, output })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            (LlamaOptions options, Harness.Engines.Options.OptionValues values) = engine.Parse(parse, "quantize", "precision", "group_size", "rounding", "int8_vocabulary", "prune");
            if (!values.IsSet("precision"))
            {
                throw new EngineException("quantize needs a target precision: --set precision=int8 (or bf16, fp16, int8-dynamic, int4)");
            }

            Precision target = options.Precision;
            int group = options.Int4.GroupSize;

            string directory = parse.GetValue(output)!;
            ModelSpec spec = ModelSpec.Parse(parse.GetValue(model)!);
            (LlamaWeights weights, string? tokenizer, bool synthetic) = LlamaEngineFactory.LoadWeights(spec, target, options.Int4, options.Prune);
            using (weights)
            {
                long disk = SavedModel.Write(weights, directory, tokenizer, synthetic);
                long fp32 = weights.Config.ParameterCount * sizeof(float);
                string grouping = target == Precision.Int4 ? $" in groups of {group}" : string.Empty;
                Console.WriteLine($"{spec} as {target.Name()}{grouping}: {weights.Bytes / 1e6:F1} MB in memory, {disk / 1e6:F1} MB on disk ({Path.Combine(directory, SavedModel.WeightsFile)}); fp32 would be {fp32 / 1e6:F1} MB ({(double)fp32 / disk:F2}x)");
                Console.WriteLine($"load it with --model hf:{directory} --set precision={target.Name()}" + (target == Precision.Int4 ? $" --set group_size={group}" : string.Empty));
            }
        });
        return command;
    }
}
