using System.Text;
using System.Text.Json;
using Harness.Results;

namespace Harness.Tests.Harness.Results;

public sealed class ResultJsonTests
{
    /// <summary>
    /// A committed result file read and written again must come back to the byte: the records it binds to are the
    /// schema, and a rename or a reordered field would change every future file without any other test noticing.
    /// (results/baselines/nightly predates tpot_incl_first_ms: it reads, but writes that field back as null.)
    /// </summary>
    [Theory]
    [InlineData("results/examples/quickstart")]
    [InlineData("results/examples/batching")]
    [InlineData("results/examples/precision")]
    [InlineData("results/examples/tp")]
    public void CommittedResultFileReadsAndWritesBackByteForByte(string runDir)
    {
        byte[] committed = File.ReadAllBytes(RepositoryFiles.Path(runDir, ResultStore.ResultFile));

        RunResult result = JsonSerializer.Deserialize<RunResult>(committed, ResultJson.Options)!;
        byte[] written = JsonSerializer.SerializeToUtf8Bytes(result, ResultJson.Options);

        Assert.Equal(Encoding.UTF8.GetString(committed), Encoding.UTF8.GetString(written));
    }
}
