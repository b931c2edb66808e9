namespace Harness.Scenarios;

/// <summary><c>accuracy.greedy</c>: greedy continuations of workload-like prompts, compared token by token with the reference's.</summary>
/// <param name="Prompts">Prompts (the independent units).</param>
/// <param name="Tokens">Tokens generated per prompt (EOS ignored, so every continuation has this length).</param>
/// <param name="PromptTokens">Prompt length in tokens.</param>
internal sealed record GreedySpec(int Prompts = 8, int Tokens = 64, int PromptTokens = 32);
