using Harness.Engines;
using System.CommandLine;
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
        var threads = new Option<int>("--threads") { Description = "0 = one per core.", DefaultValueFactory = _ => 0 };
        var probeMiB = new Option<int>("--probe-mib") { Description = "Size of each bandwidth-probe array.", DefaultValueFactory = _ => 256 };
        var groupSize = new Option<int>("--group-size") { Description = "Int4 columns per scale: 32, 64 or 128.", DefaultValueFactory = _ => Int4Options.DefaultGroupSize };
        var int8Vocabulary = new Option<bool>("--int8-vocabulary") { Description = "Int4: keep the embedding and LM head as int8 per row." };
        var json = new Option<string?>("--json") { Description = "Also write the full result (with raw samples) to this JSON file." };

        var command = new Command("bench", "Measure single-stream prefill/decode speed per precision against the memory-bandwidth roofline.");
        foreach (Option o in new Option[] { model, precisions, promptTokens, decodeTokens, repetitions, attentionPrefill, attentionRepetitions, batchSizes, threads, probeMiB, groupSize, int8Vocabulary, json })
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

            if (!Int4Layout.IsSupportedGroup(parse.GetValue(groupSize)))
            {
                throw new EngineException($"--group-size must be 32, 64 or 128, got {parse.GetValue(groupSize)}");
            }

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
                Threads = parse.GetValue(threads) > 0 ? parse.GetValue(threads) : Environment.ProcessorCount,
                ProbeArrayBytes = (long)parse.GetValue(probeMiB) << 20,
                Int4 = new Int4Options(parse.GetValue(groupSize), Int8Vocabulary: parse.GetValue(int8Vocabulary)),
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
