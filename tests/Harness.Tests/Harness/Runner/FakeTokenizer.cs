using Harness.Engines;

namespace Harness.Tests.Harness.Runner;

/// <summary>Word-level tokenizer over a 1000-id vocabulary: enough for prompt building, nothing more.</summary>
internal sealed class FakeTokenizer : ITokenizer
{
    public string Name => "fake words";

    public int VocabSize => 1000;

    public int? BosTokenId => 1;

    public IReadOnlyList<int> EosTokenIds { get; } = [2];

    public IReadOnlyList<int> Encode(string text) =>
        [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => 3 + (int)((uint)w.Aggregate(17, (h, c) => h * 31 + c) % 997))];

    public string Decode(IEnumerable<int> ids) => string.Join(' ', ids);
}
