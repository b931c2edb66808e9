namespace Harness.Scenarios;

/// <summary><c>accuracy.perplexity</c>: perplexity of held-out text, scored in disjoint windows.</summary>
/// <param name="Text">The text file (resolved path).</param>
/// <param name="Window">Tokens per window (BOS, when the tokenizer has one, comes on top).</param>
/// <param name="MaxWindows">At most this many windows from the start of the text; null = the whole text.</param>
internal sealed record PerplexitySpec(string Text, int Window = 256, int? MaxWindows = null);
