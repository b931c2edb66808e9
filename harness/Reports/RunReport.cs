using Harness.Metrics;
using Harness.Results;

namespace Harness.Reports;

/// <summary>Writes a run's human-readable report: <c>report.md</c>, charts (PNG and SVG) and <c>index.html</c>.</summary>
internal static class RunReport
{
    /// <summary>Writes every report file into <paramref name="runDir"/>; returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(string runDir, RunResult result, IReadOnlyList<RequestRecord> records) =>
        throw new NotImplementedException("RunReport.WriteAll");
}
