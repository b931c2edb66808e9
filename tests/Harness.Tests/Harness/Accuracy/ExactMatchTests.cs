using Harness.Accuracy;
using Harness.Tests.Engines.Checkpoints;

namespace Harness.Tests.Harness.Accuracy;

public sealed class ExactMatchTests
{
    [Theory]
    [InlineData(" 4\nQuestion: what is", "4", "exact", true)]
    [InlineData("\n\n  7 \n", " 7", "exact", true)]
    [InlineData(" 42", "4", "exact", false)]
    [InlineData(" 42", "4", "prefix", true)]
    [InlineData(" Paris, the capital.", "Paris", "exact", false)]
    [InlineData(" Paris, the capital.", "Paris", "prefix", true)]
    [InlineData(" paris", "Paris", "exact", false)]
    [InlineData(" The answer is 4", "4", "prefix", false)]
    [InlineData("", "4", "exact", false)]
    public void TheFirstLineStrippedIsCompared(string generated, string expected, string rule, bool match)
    {
        Assert.Equal(match, ExactMatch.IsMatch(generated, expected, rule));
    }

    [Fact]
    public void TaskFilesAreReadLineByLine()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "task.jsonl");
        File.WriteAllText(path, "{\"prompt\": \"Q: 2+2?\\nA:\", \"expected\": \"4\"}\n\n{\"prompt\": \"Q: sky?\", \"expected\": \"blue\"}\n{\"prompt\": \"x\", \"expected\": \"y\"}\n");

        IReadOnlyList<ExactMatchItem> all = ExactMatch.Load(path);
        IReadOnlyList<ExactMatchItem> two = ExactMatch.Load(path, maxItems: 2);

        Assert.Equal([new ExactMatchItem(1, "Q: 2+2?\nA:", "4"), new ExactMatchItem(3, "Q: sky?", "blue"), new ExactMatchItem(4, "x", "y")], all);
        Assert.Equal(2, two.Count);
    }

    [Theory]
    [InlineData("{\"prompt\": \"a\"}", ":1: needs a string \"expected\"")]
    [InlineData("{\"prompt\": \"a\", \"expected\": 4}", ":1: needs a string \"expected\"")]
    [InlineData("[1, 2]", ":1: needs a string \"prompt\"")]
    [InlineData("{\"prompt\": ", ":1: not a JSON object")]
    [InlineData("\n\n", ": no items")]
    public void AMalformedTaskFileIsOneLineNamingFileAndLine(string content, string message)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "task.jsonl");
        File.WriteAllText(path, content);

        HarnessInputException ex = Assert.Throws<HarnessInputException>(() => ExactMatch.Load(path));

        Assert.StartsWith(path + message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
