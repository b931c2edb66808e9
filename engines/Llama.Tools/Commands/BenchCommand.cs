using System.CommandLine;
using Harness.Engines;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Tools.Benchmarks;

namespace Harness.Engines.Llama.Tools.Commands;

/// <summary><c>bench</c>: the engine's single-stream speed per precision against the machine's bandwidth roofline.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model spec.", DefaultValueFactory = _ => "preset:smollm2-135m" };
        var precisions = new Option<string>("--precision") { Description = "Comma-separated precisions.", DefaultValueFactory = _ => "fp32,bf16" };
        var promptTokens = new Option<int>("--prompt-tokens") { DefaultValueFactory = _ => 128 };
        var decodeTokens = new Option<int>("--decode-tokens") { DefaultValueFactory = _ => 64 };
        var repetitions = new Option<int>("--repetitions", "-r") { DefaultValueFactory = _ => 5 };
        var attentionRepetitions = new Option<int>("--attention-repetitions") { Description = "Repetitions of the long fused/unfused prefill.", DefaultValueFactory = _ => 3 };
        var attentionPrefill = new Option<int>("--attention-prefill-tokens") { Description = "Prompt length for fused vs unfused attention (0 = skip).", DefaultValueFactory = _ => 2048 };
        var batchSizes = new Option<string>("--batch-sizes") { Description = "Comma-separated batch sizes for the batched-decode curve, e.g. 1,2,4,8 (empty = skip).", DefaultValueFactory = _ => string.Empty };
        var probeMiB = new Option<int>("--probe-mib") { Description = "Size of each bandwidth-probe array.", DefaultValueFactory = _ => 256 };
        var engine = new EngineSetOption();
        var json = new Option<string?>("--json") { Description = "Also write the full result (with raw samples) to this JSON file." };

        var command = new Command("bench", "Measure single-stream prefill/decode speed per precision against the memory-bandwidth roofline.");
        foreach (Option o in new Option[] { model, precisions, promptTokens, decodeTokens, repetitions, attentionPrefill, attentionRepetitions, batchSizes, probeMiB, engine.Option, json })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            int reps = parse.GetValue(repetitions);
            if (reps < 1 || parse.GetValue(promptTokens) < 1 || parse.GetValue(decodeTokens) < 1 || parse.GetValue(probeMiB) < 1)
            {
                throw new EngineException("--repetitions, --prompt-tokens, --decode-tokens and --probe-mib must be positive");
            }

            // The precisions are the benchmark's axis (--precision); of the engine's options it reads these.
            (LlamaOptions options, _) = engine.Parse(parse, "bench", "threads", "group_size", "rounding", "int8_vocabulary");
            var benchmark = new RuntimeBenchmark
            {
                ModelSpec = parse.GetValue(model)!,
                Precisions = [.. parse.GetValue(precisions)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(PrecisionNames.Parse)],
                PromptTokens = parse.GetValue(promptTokens),
                DecodeTokens = parse.GetValue(decodeTokens),
                Repetitions = reps,
                AttentionPrefillTokens = parse.GetValue(attentionPrefill),
                AttentionRepetitions = Math.Max(1, parse.GetValue(attentionRepetitions)),
                BatchSizes = ParseBatchSizes(parse.GetValue(batchSizes)!),
                Threads = options.ThreadCount,
                ProbeArrayBytes = (long)parse.GetValue(probeMiB) << 20,
                Int4 = options.Int4,
            };
            RuntimeBenchmarkResult result = benchmark.Run(line => Console.Error.WriteLine(line));
            Console.WriteLine(result.ToMarkdown());
            if (parse.GetValue(json) is { } path)
            {
                CliJson.WriteFile(path, result);
            }
        });
        return command;
    }

    private static int[] ParseBatchSizes(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return [.. parts.Select(p => int.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out int b) && b >= 1 && b <= 64
            ? b
            : throw new EngineException($"--batch-sizes: '{p}' is not a batch size between 1 and 64"))];
    }
}
