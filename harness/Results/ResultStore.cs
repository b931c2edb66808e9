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
}
