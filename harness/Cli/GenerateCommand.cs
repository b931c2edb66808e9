using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Harness.Engines;
using Harness.Engines.Llama.Tokenization;
using Harness.Engines.Llama.Tools.Commands;

namespace Harness.Cli;

/// <summary><c>generate</c>: one prompt through one engine variant, with its timings.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var engine = new EngineOptionSet();
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Prompt text (needs a tokenizer)." };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt as comma-separated token ids, e.g. 1,2,3." };
        var maxNewTokens = new Option<int>("--max-new-tokens", "-n") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 64 };
        var precision = new Option<string>("--precision") { Description = $"Weight precision: {string.Join(", ", Harness.Engines.Llama.Model.PrecisionNames.All)}.", DefaultValueFactory = _ => "fp32" };
        var temperature = new Option<double>("--temperature") { Description = "0 = greedy.", DefaultValueFactory = _ => 0 };
        var topK = new Option<int>("--top-k") { Description = "Sample from the K most likely tokens (0 = all).", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling mass (1 = off).", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var ignoreEos = new Option<bool>("--ignore-eos") { Description = "Keep generating past end-of-sequence tokens." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };

        var command = new Command("generate", "Generate tokens for one prompt and report TTFT, prefill and decode speed.");
        engine.AddTo(command);
        foreach (Option o in new Option[] { prompt, promptIds, maxNewTokens, precision, temperature, topK, topP, seed, ignoreEos, json })
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, cancel) =>
        {
            string? text = parse.GetValue(prompt);
            string? ids = parse.GetValue(promptIds);
            if ((text is null) == (ids is null))
            {
                throw new HarnessInputException("give exactly one of --prompt and --prompt-ids");
            }

            int n = parse.GetValue(maxNewTokens);
            if (n < 1)
            {
                throw new HarnessInputException("--max-new-tokens must be at least 1");
            }

            var sampling = new SamplingParams(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed));
            if (sampling.Temperature < 0 || sampling.TopK < 0 || sampling.TopP is <= 0 or > 1)
            {
                throw new HarnessInputException("sampling needs --temperature >= 0, --top-k >= 0 and 0 < --top-p <= 1");
            }

            string spec = parse.GetValue(engine.Model)!;
            using IInferenceEngine llm = EngineRegistry.Create(spec, engine.Bind(parse, parse.GetValue(precision)!));
            IReadOnlyList<int> promptTokens = ids is not null ? PromptIds.Parse(ids) : EncodePrompt(llm, text!);

            var request = new GenerationRequest("generate", promptTokens, n, sampling, parse.GetValue(ignoreEos));
            var output = new List<TokenEvent>();
            long sent = Stopwatch.GetTimestamp();
            await foreach (TokenEvent token in llm.GenerateAsync(request, cancel).ConfigureAwait(false))
            {
                output.Add(token);
                if (!parse.GetValue(json))
                {
                    Console.Write(llm.Tokenizer is { } tok ? tok.Decode([token.TokenId]) : $"{token.TokenId} ");
                }
            }

            var result = GenerationReport.From(spec, llm, promptTokens, output, sent, (llm as IEngineTelemetry)?.Drain().Parallel);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
            }
            else
            {
                Console.WriteLine();
                Console.Error.WriteLine(
                    $"[{result.Precision}, {result.Attention}] prompt {promptTokens.Count} tok, generated {output.Count} ({result.FinishReason}); " +
                    $"TTFT {result.TtftMs:F1} ms, prefill {result.PrefillTokensPerS:F1} tok/s, decode {result.DecodeTokensPerS:F1} tok/s, " +
                    $"weights {result.WeightsBytes / 1e6:F1} MB");
                foreach (string line in result.ParallelLines())
                {
                    Console.Error.WriteLine(line);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static IReadOnlyList<int> EncodePrompt(IInferenceEngine llm, string text)
    {
        ITokenizer tokenizer = llm.Tokenizer
            ?? throw new HarnessInputException("this model has no tokenizer: pass the prompt as --prompt-ids");
        var ids = new List<int>();
        if (tokenizer.BosTokenId is { } bos)
        {
            ids.Add(bos);
        }

        ids.AddRange(tokenizer.Encode(text));
        return ids;
    }
}
