namespace Harness.Engines;

/// <summary>One request to an engine: a tokenized prompt and how many tokens to produce.</summary>
/// <param name="Id">Caller's id; engine timelines and client records are joined on it.</param>
/// <param name="PromptIds">Prompt token ids (BOS included when the caller wants one).</param>
/// <param name="MaxNewTokens">Upper bound on generated tokens.</param>
/// <param name="Sampling">Token selection.</param>
/// <param name="IgnoreEos">Keep generating past EOS, as benchmark clients do to fix output lengths.</param>
public sealed record GenerationRequest(
    string Id,
    IReadOnlyList<int> PromptIds,
    int MaxNewTokens,
    SamplingParams Sampling,
    bool IgnoreEos = false);
