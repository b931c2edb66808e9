namespace Harness.Tests.Harness.Reports;

/// <summary>
/// Report tests that render charts run one at a time: ScottPlot keeps fonts in process-wide state, and the two
/// CPUs here are shared, so parallel rendering only adds contention.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReportTestCollection
{
    public const string Name = "Reports";
}
