namespace Harness.Engines;

/// <summary>
/// What an engine can do beyond generating, known before it is built, so the harness can plan a scenario (and say
/// "n/a" with a reason) instead of failing halfway.
/// </summary>
/// <param name="Engine">The implementation in a few words, for reports ("llama-torchsharp").</param>
/// <param name="Device">Where it computes: cpu, cuda, or a remote server's address.</param>
/// <param name="ScoresSequences">Implements <see cref="ISequenceScorer"/>: returns teacher-forced logits (KL, top-1 agreement, perplexity).</param>
/// <param name="ReportsSchedulerTelemetry">Implements <see cref="IEngineTelemetry"/>: queue, prefill, decode and KV cache events.</param>
/// <param name="Streaming">Whether tokens arrive one by one or several to a chunk.</param>
public sealed record EngineCapabilities(
    string Engine,
    string Device,
    bool ScoresSequences,
    bool ReportsSchedulerTelemetry,
    TokenStreaming Streaming);
