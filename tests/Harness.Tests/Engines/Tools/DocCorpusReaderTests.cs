using Harness.Engines.Llama.Tools.Training;

namespace Harness.Tests.Engines.Tools;

public sealed class DocCorpusReaderTests
{
    // Two mid-sized documentation files of the running SDK: enough members for a 5% split to hold some.
    private static string[] SampleFiles()
    {
        (string directory, _) = DocCorpusReader.FindSdkDocs();
        return [Path.Combine(directory, "System.Collections.xml"), Path.Combine(directory, "System.Linq.xml")];
    }

    [Fact]
    public void SameFilesGiveTheSameCorpusAndHash()
    {
        DocCorpus first = DocCorpusReader.Read(SampleFiles(), "test");
        DocCorpus second = DocCorpusReader.Read(SampleFiles().Reverse(), "test");

        Assert.Equal(first.Train, second.Train);
        Assert.Equal(first.HeldOut, second.HeldOut);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.True(first.Train.Count > 500, $"{first.Train.Count} training documents");
    }

    [Fact]
    public void SplitIsDisjointAndAboutOneInTwenty()
    {
        DocCorpus corpus = DocCorpusReader.Read(SampleFiles(), "test");

        Assert.Empty(corpus.Train.Intersect(corpus.HeldOut, StringComparer.Ordinal));
        Assert.Equal(corpus.Train.Count, corpus.Train.Distinct(StringComparer.Ordinal).Count());
        double fraction = corpus.HeldOut.Count / (double)(corpus.Train.Count + corpus.HeldOut.Count);
        Assert.InRange(fraction, 0.02, 0.09);
    }

    [Fact]
    public void SummariesWriteReferencesAsNamesAndCollapseWhitespace()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                <?xml version="1.0" encoding="utf-8"?>
                <doc><members>
                  <member name="M:A.B.C(System.Int32)">
                    <summary>Returns the <see cref="T:System.Collections.Generic.List`1" />
                       for <paramref name="count" />, or <see langword="null" />.</summary>
                    <param name="count">ignored</param>
                  </member>
                  <member name="T:A.Empty"><summary /></member>
                </members></doc>
                """);

            var summaries = DocCorpusReader.Summaries(path).ToList();

            Assert.Equal([("M:A.B.C(System.Int32)", "Returns the List for count, or null.")], summaries);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
