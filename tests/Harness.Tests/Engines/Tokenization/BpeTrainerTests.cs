using System.Text;
using Harness.Engines.Llama.Tokenization;
using Harness.Engines.Llama.Tools.Training;

namespace Harness.Tests.Engines.Tokenization;

public sealed class BpeTrainerTests
{
    [Fact]
    public void TrainedTokenizerLoadsAndRoundTripsHeldOutText()
    {
        (string directory, _) = DocCorpusReader.FindSdkDocs();
        DocCorpus corpus = DocCorpusReader.Read([Path.Combine(directory, "System.Collections.xml")], "test");
        string dir = Directory.CreateTempSubdirectory("bpe").FullName;
        try
        {
            string path = Path.Combine(dir, "tokenizer.json");
            var merges = BpeTrainer.Train(corpus.Train, 200, ["<|bos|>", "<|eos|>"], path);
            HfTokenizer tokenizer = HfTokenizer.Load(path, 256, [257]);

            Assert.Equal(200, merges.Count);
            Assert.Equal(258 + 200, tokenizer.VocabSize);
            Assert.Equal([256, 257], tokenizer.Encode("<|bos|><|eos|>"));
            long bytes = 0, tokens = 0;
            foreach (string text in corpus.HeldOut.Append("Unseen: naïve café, 日本語, tabs\tand  spaces \u00a0!"))
            {
                IReadOnlyList<int> ids = tokenizer.Encode(text);
                Assert.Equal(text, tokenizer.Decode(ids));
                bytes += Encoding.UTF8.GetByteCount(text);
                tokens += ids.Count;
            }

            // 200 merges learned on this text should at least halve the byte count on held-out text of the same kind.
            Assert.True(tokens < bytes * 0.5, $"{tokens} tokens for {bytes} bytes");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void MergesAreTheMostFrequentPairsFirst()
    {
        string dir = Directory.CreateTempSubdirectory("bpe").FullName;
        try
        {
            var merges = BpeTrainer.Train(["aaab aaab aaab", "ab"], 2, [], Path.Combine(dir, "tokenizer.json"));

            // Pieces "aaab", "Ġaaab" x2, "ab": "a a" occurs 2 x 3 = 6 times, "a b" 4. After "aa", the pieces read
            // aa|a|b, so "a b" (4) beats "aa a" (3).
            Assert.Equal([("a", "a"), ("a", "b")], merges);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
