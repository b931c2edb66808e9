namespace Harness.Scenarios;

/// <summary><c>accuracy.exact_match</c>: a JSONL task of <c>{"prompt": ..., "expected": ...}</c> lines answered greedily.</summary>
/// <param name="File">The JSONL file (resolved path).</param>
/// <param name="MaxTokens">Tokens generated per item at most (generation also stops at EOS).</param>
/// <param name="Match">"exact" (the answer's first line, stripped, equals the expected answer, stripped) or "prefix" (it starts with it).</param>
/// <param name="MaxItems">At most this many items from the start of the file; null = all.</param>
internal sealed record ExactMatchSpec(string File, int MaxTokens = 32, string Match = "exact", int? MaxItems = null);
