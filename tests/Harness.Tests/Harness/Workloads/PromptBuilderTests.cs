using Harness.Engines;
using Harness.Workloads;

namespace Harness.Tests.Harness.Workloads;

public sealed class PromptBuilderTests
{
    [Fact]
    public void TokenIdModeIsExactDeterministicAndAvoidsLowIds()
    {
        WorkloadRequest r = new(7, null, 1000, 10, "s");
        int[] a = new PromptBuilder(1, vocabSize: 500, lowestId: 5).Build(r);
        Assert.Equal(1000, a.Length);
        Assert.All(a, id => Assert.InRange(id, 5, 499));
        Assert.Equal(a, new PromptBuilder(1, 500, 5).Build(r));
        Assert.NotEqual(a, new PromptBuilder(2, 500, 5).Build(r));
        Assert.NotEqual(a, new PromptBuilder(1, 500, 5).Build(r with { Index = 8 }));
    }

    [Fact]
    public void SharedBlocksGiveIdenticalLeadingIds()
    {
        // Like Mooncake rows 1 and 2: both start with block 0, then diverge.
        WorkloadRequest a = new(0, null, 1200, 1, "m:1") { PrefixBlocks = [0, 1, 2], PrefixBlockTokens = 512 };
        WorkloadRequest b = new(1, null, 700, 1, "m:2") { PrefixBlocks = [0, 14], PrefixBlockTokens = 512 };
        PromptBuilder builder = new(9, 32000);
        int[] pa = builder.Build(a);
        int[] pb = builder.Build(b);
        Assert.True(pa.AsSpan(0, 512).SequenceEqual(pb.AsSpan(0, 512)));
        Assert.False(pa.AsSpan(512, 188).SequenceEqual(pb.AsSpan(512, 188)));
        Assert.Equal(1200, pa.Length);
        Assert.Equal(700, pb.Length);
    }

    [Fact]
    public void TokenizerModeUsesEncodedTextWithoutSpecialIds()
    {
        WordTokenizer tokenizer = new();
        PromptBuilder builder = new(4, tokenizer);
        int[] ids = builder.Build(new WorkloadRequest(3, null, 333, 1, "s"));
        Assert.Equal(333, ids.Length);
        Assert.DoesNotContain(1, ids);
        Assert.DoesNotContain(2, ids);
        Assert.Equal(ids, new PromptBuilder(4, tokenizer).Build(new WorkloadRequest(3, null, 333, 1, "s")));
        Assert.Contains("the", tokenizer.Decode(ids), StringComparison.Ordinal);
    }

    /// <summary>One id per distinct word, from 3 up; 1 = BOS, 2 = EOS.</summary>
    private sealed class WordTokenizer : ITokenizer
    {
        private readonly Dictionary<string, int> _ids = [];
        private readonly List<string> _words = ["<unk>", "<s>", "</s>"];

        public string Name => "words";

        public int VocabSize => 1000;

        public int? BosTokenId => 1;

        public IReadOnlyList<int> EosTokenIds => [2];

        public IReadOnlyList<int> Encode(string text)
        {
            List<int> ids = [];
            foreach (string w in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!_ids.TryGetValue(w, out int id))
                {
                    id = _words.Count;
                    _words.Add(w);
                    _ids[w] = id;
                }

                ids.Add(id);
            }

            return ids;
        }

        public string Decode(IEnumerable<int> ids) => string.Join(' ', ids.Select(i => _words[i]));
    }
}
