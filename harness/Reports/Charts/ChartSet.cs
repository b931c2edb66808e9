using Harness.Reports.Document;

namespace Harness.Reports.Charts;

/// <summary>The charts written for a run, and a line for each chart that could not be drawn.</summary>
internal sealed record ChartSet(IReadOnlyList<ChartFile> Charts, IReadOnlyList<string> Failures);
