using Harness.Metrics;

namespace Harness.Results;

/// <summary>
/// Reads and writes a run directory: <c>result.json</c> and <c>requests.csv</c> (one row per request, including
/// warm-up and failed ones, with every token timestamp). Writes go to a temporary directory that is renamed into
/// place, so a run directory is never seen half-written.
/// </summary>
internal static partial class ResultStore
{
    public const string ResultFile = "result.json";
    public const string RequestsFile = "requests.csv";

    /// <summary>Writes <c>result.json</c> and <c>requests.csv</c> into the existing directory <paramref name="runDir"/>.</summary>
    public static void Write(string runDir, RunResult result, IReadOnlyList<RequestRecord> records) =>
        throw new NotImplementedException("ResultStore.Write");

    /// <summary>Reads a run directory; bad or missing files raise <see cref="HarnessInputException"/> with one line.</summary>
    public static RunData Load(string runDir) =>
        throw new NotImplementedException("ResultStore.Load");
}
