using Harness.Runner;

namespace Harness.Tests.Harness.Runner;

public sealed class RunDirectoryTests
{
    [Fact]
    public void DefaultPathIsTimestampedAndPathSafe()
    {
        string path = RunDirectory.DefaultPath("results", "my scenario/v2", new DateTime(2025, 3, 4, 5, 6, 7));
        Assert.Equal(Path.Combine("results", "20250304-050607-my-scenario-v2"), path);
    }

    [Fact]
    public void ThePartialDirectoryIsAHiddenSibling()
    {
        Assert.Equal("/tmp/runs/.x.partial", RunDirectory.PartialPath("/tmp/runs/x/"));
    }

    [Fact]
    public void AnExistingRunDirectoryIsNeverOverwritten()
    {
        string dir = Directory.CreateTempSubdirectory("run-").FullName;
        try
        {
            var ex = Assert.Throws<HarnessInputException>(() => RunDirectory.Write(dir, null!, TextWriter.Null));
            Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
