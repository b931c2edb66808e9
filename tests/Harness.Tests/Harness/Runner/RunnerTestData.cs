using System.Diagnostics;
using Harness.Scenarios;
using Harness.Workloads;

namespace Harness.Tests.Harness.Runner;

/// <summary>Requests and scenarios for runner tests.</summary>
internal static class RunnerTestData
{
    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static PreparedRequest[] Requests(int count, int input = 4, int output = 2) =>
        [.. Enumerable.Range(0, count).Select(i => new PreparedRequest(new WorkloadRequest(i, null, input, output, "test:" + i), [.. Enumerable.Repeat(5, input)]))];

    /// <summary>Writes <paramref name="yaml"/> to a temporary file and loads it as a scenario.</summary>
    public static Scenario Scenario(string yaml, bool quick = false)
    {
        string path = Path.Combine(Path.GetTempPath(), $"runner-test-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            return ScenarioLoader.Load(path, quick: quick);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
