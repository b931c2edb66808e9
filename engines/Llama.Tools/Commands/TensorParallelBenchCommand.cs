using System.CommandLine;
using System.Globalization;
using Harness.Engines.Llama.Tools.Benchmarks;

namespace Harness.Engines.Llama.Tools.Commands;

/// <summary><c>bench-tp</c>: prefill and decode of one model at several tensor-parallel sizes, with where the time went.</summary>
internal static class TensorParallelBenchCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model spec.", DefaultValueFactory = _ => "preset:qwen2.5-0.5b" };
        var sizes = new Option<string>("--tp") { Description = "Comma-separated tensor-parallel sizes.", DefaultValueFactory = _ => "1,2,4" };
        var promptTokens = new Option<int>("--prompt-tokens") { DefaultValueFactory = _ => 128 };
        var decodeTokens = new Option<int>("--decode-tokens") { DefaultValueFactory = _ => 32 };
        var batch = new Option<int>("--batch") { Description = "Sequences decoded together per step (1-64).", DefaultValueFactory = _ => 1 };
        var repetitions = new Option<int>("--repetitions", "-r") { DefaultValueFactory = _ => 5 };
        var engine = new EngineSetOption();
        var json = new Option<string?>("--json") { Description = "Also write the full result (with per-repetition samples) to this JSON file." };

        var command = new Command("bench-tp", "Measure prefill and decode at each tensor-parallel size, with per-rank compute, communication and idle time.");
        foreach (Option o in new Option[] { model, sizes, promptTokens, decodeTokens, batch, repetitions, engine.Option, json })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            if (parse.GetValue(repetitions) < 1 || parse.GetValue(promptTokens) < 1 || parse.GetValue(decodeTokens) < 1 || parse.GetValue(batch) is < 1 or > 64)
            {
                throw new EngineException("--repetitions, --prompt-tokens and --decode-tokens must be positive and --batch between 1 and 64");
            }

            // The sizes are the benchmark's axis (--tp); of the engine's options it reads these. Threads are shared by the ranks.
            (LlamaOptions options, _) = engine.Parse(parse, "bench-tp", "precision", "threads");
            var benchmark = new TensorParallelBenchmark
            {
                ModelSpec = parse.GetValue(model)!,
                Sizes = ParseSizes(parse.GetValue(sizes)!),
                Precision = options.Precision,
                PromptTokens = parse.GetValue(promptTokens),
                DecodeTokens = parse.GetValue(decodeTokens),
                Batch = parse.GetValue(batch),
                Repetitions = parse.GetValue(repetitions),
                Threads = options.ThreadCount,
            };
            TensorParallelBenchmarkResult result = benchmark.Run(line => Console.Error.WriteLine(line));
            Console.WriteLine(result.ToMarkdown());
            if (parse.GetValue(json) is { } path)
            {
                CliJson.WriteFile(path, result);
            }
        });
        return command;
    }

    private static int[] ParseSizes(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int[] sizes = [.. parts.Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 64
            ? n
            : throw new EngineException($"--tp: '{p}' is not a tensor-parallel size between 1 and 64"))];
        return sizes.Length > 0 ? sizes : throw new EngineException("--tp needs at least one size");
    }
}
