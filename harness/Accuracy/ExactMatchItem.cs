namespace Harness.Accuracy;

/// <summary>One line of an exact-match task file.</summary>
/// <param name="Line">1-based line in the file, for messages.</param>
/// <param name="Prompt">Text the model continues.</param>
/// <param name="Expected">The answer it should give.</param>
internal sealed record ExactMatchItem(int Line, string Prompt, string Expected);
