namespace Harness.Scenarios;

/// <summary>
/// <c>accuracy.fidelity</c>: teacher-forced sequences on which every variant's next-token distributions are compared
/// with the reference's. Each sequence is a workload-like prompt of <see cref="PromptTokens"/> followed by tokens the
/// reference samples (seeded, temperature <see cref="Temperature"/>), or, with <see cref="Text"/>, consecutive chunks
/// of that text's tokens.
/// </summary>
/// <param name="Sequences">Sequences (the independent units of the intervals).</param>
/// <param name="Length">Tokens per sequence; every position is compared.</param>
/// <param name="PromptTokens">Prompt tokens before the sampled ones (ignored with <see cref="Text"/>).</param>
/// <param name="Temperature">Sampling temperature of the reference's continuation.</param>
/// <param name="Text">A text file (resolved path) to take the sequences from instead; needs a tokenizer.</param>
internal sealed record FidelitySpec(int Sequences = 8, int Length = 128, int PromptTokens = 16, double Temperature = 1.0, string? Text = null);
