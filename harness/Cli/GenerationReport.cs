using System.Diagnostics;
using System.Text.Json.Serialization;
using Harness.Engines;
using Harness.Metrics;

namespace Harness.Cli;

/// <summary>What <c>generate --json</c> prints.</summary>
internal sealed record GenerationReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("options")] IReadOnlyDictionary<string, string> Options,
    [property: JsonPropertyName("precision"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Precision,
    [property: JsonPropertyName("attention"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Attention,
    [property: JsonPropertyName("ids")] IReadOnlyList<int> Ids,
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("generated_tokens")] int GeneratedTokens,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName(MetricDefinitions.TtftMs)] double TtftMs,
    [property: JsonPropertyName("prefill_tokens_per_s")] double PrefillTokensPerS,
    [property: JsonPropertyName("decode_tokens_per_s")] double DecodeTokensPerS,
    [property: JsonPropertyName("weights_bytes")] long WeightsBytes,
    [property: JsonPropertyName("kv_cache_reserved_bytes")] long KvCacheReservedBytes,
    [property: JsonPropertyName("kv_cache_peak_bytes")] long KvCachePeakBytes,
    [property: JsonPropertyName("peak_rss_bytes")] long PeakRssBytes,
    [property: JsonPropertyName("tensor_parallel")] TensorParallelProfile? TensorParallel)
{
    /// <summary>
    /// TTFT from the request being sent to the first token; prefill speed = prompt tokens over the engine's prefill
    /// time (first token minus compute start); decode speed = tokens after the first over the time after the first.
    /// </summary>
    /// <param name="settings">The options the engine was built with (every option, defaults included, is reported).</param>
    /// <param name="parallel">The engine's tensor-parallel profile over this generation, if it has one.</param>
    public static GenerationReport From(string model, EngineSettings settings, IInferenceEngine engine, IReadOnlyList<int> prompt, IReadOnlyList<TokenEvent> tokens, long sentAt, TensorParallelProfile? parallel = null)
    {
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        TokenEvent first = tokens[0];
        TokenEvent last = tokens[^1];
        double prefillMs = Ms(first.Timestamp - (first.ComputeStart ?? sentAt));
        double decodeMs = Ms(last.Timestamp - first.Timestamp);
        EngineMemory memory = engine.Memory;
        int[] generated = [.. tokens.Select(t => t.TokenId)];
        IReadOnlyDictionary<string, string> options = settings.Values.Effective;
        return new GenerationReport(
            model,
            settings.Engine,
            options,
            options.GetValueOrDefault("precision"),
            options.GetValueOrDefault("attention"),
            [.. prompt, .. generated],
            prompt.Count,
            generated.Length,
            engine.Tokenizer?.Decode(generated),
            (last.Finish ?? Engines.FinishReason.Length).ToString().ToLowerInvariant(),
            Ms(first.Timestamp - sentAt),
            prompt.Count / (prefillMs / 1000),
            tokens.Count > 1 ? (tokens.Count - 1) / (decodeMs / 1000) : double.NaN,
            memory.WeightsBytes,
            memory.KvCacheReservedBytes,
            memory.KvCachePeakBytes,
            memory.PeakRssBytes,
            parallel);
    }

    /// <summary>
    /// One line per phase of where a split model's time went, per pass: wall, each rank's compute, communication and
    /// idle; with a warning first when ranks outnumber cores. Empty for an unsplit model.
    /// </summary>
    public IEnumerable<string> ParallelLines()
    {
        if (TensorParallel is not { Size: > 1 } p)
        {
            yield break;
        }

        if (p.Oversubscribed)
        {
            yield return $"warning: tp {p.Size} on {p.Cores} cores: ranks take turns on the cores, so the split shows its overhead, not a speedup";
        }

        foreach ((string name, ParallelPhaseTimes t) in new[] { ("prefill", p.Prefill), ("decode", p.Decode) })
        {
            if (t.Passes == 0)
            {
                continue;
            }

            double PerPass(double seconds) => seconds * 1000 / t.Passes;
            string ranks = string.Join(", ", t.Ranks.Select((r, i) => $"r{i} {PerPass(r.ComputeSeconds):F2}/{PerPass(r.CommunicationSeconds):F2}/{PerPass(r.IdleSeconds):F2}"));
            yield return $"tp {p.Size} {name}: {t.Passes} passes, {PerPass(t.WallSeconds):F2} ms each; compute/comm/idle ms per pass: {ranks}; " +
                $"{(double)t.AllReduces / t.Passes:F0} all-reduces, {t.AllReduceBytes / 1024.0 / t.Passes:F1} KiB per pass";
        }
    }
}
