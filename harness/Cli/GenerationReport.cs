using System.Diagnostics;
using System.Text.Json.Serialization;
using Harness.Engines;

namespace Harness.Cli;

/// <summary>What <c>generate --json</c> prints.</summary>
internal sealed record GenerationReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("precision")] string Precision,
    [property: JsonPropertyName("attention")] string Attention,
    [property: JsonPropertyName("ids")] IReadOnlyList<int> Ids,
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("generated_tokens")] int GeneratedTokens,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("ttft_ms")] double TtftMs,
    [property: JsonPropertyName("prefill_tokens_per_s")] double PrefillTokensPerS,
    [property: JsonPropertyName("decode_tokens_per_s")] double DecodeTokensPerS,
    [property: JsonPropertyName("weights_bytes")] long WeightsBytes,
    [property: JsonPropertyName("kv_cache_reserved_bytes")] long KvCacheReservedBytes,
    [property: JsonPropertyName("kv_cache_peak_bytes")] long KvCachePeakBytes,
    [property: JsonPropertyName("peak_rss_bytes")] long PeakRssBytes)
{
    /// <summary>
    /// TTFT from the request being sent to the first token; prefill speed = prompt tokens over the engine's prefill
    /// time (first token minus compute start); decode speed = tokens after the first over the time after the first.
    /// </summary>
    public static GenerationReport From(string model, IInferenceEngine engine, IReadOnlyList<int> prompt, IReadOnlyList<TokenEvent> tokens, long sentAt)
    {
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        TokenEvent first = tokens[0];
        TokenEvent last = tokens[^1];
        double prefillMs = Ms(first.Timestamp - (first.ComputeStart ?? sentAt));
        double decodeMs = Ms(last.Timestamp - first.Timestamp);
        EngineMemory memory = engine.Memory;
        int[] generated = [.. tokens.Select(t => t.TokenId)];
        return new GenerationReport(
            model,
            engine.Options.Precision,
            engine.Options.Attention,
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
            memory.PeakRssBytes);
    }
}
