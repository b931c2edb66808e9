using Harness.Metrics;
using Harness.Reports;
using Harness.Results;

namespace Harness.Tests.Harness.Reports;

/// <summary>A run's report rendered once into a temporary directory for a test class, and deleted after it.</summary>
public abstract class RenderedReport : IDisposable
{
    protected RenderedReport()
    {
        Directory = Path.Combine(Path.GetTempPath(), "harness-report-tests", Guid.NewGuid().ToString("N"));
    }

    public string Directory { get; }

    public IReadOnlyList<string> Written { get; private set; } = [];

    public string Markdown { get; private set; } = string.Empty;

    public string Html { get; private set; } = string.Empty;

    public string Chart(string name) => Path.Combine(Directory, "charts", name);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Writes the report files and reads report.md and index.html back.</summary>
    internal void Render(RunResult result, IReadOnlyList<RequestRecord> records, IReadOnlyList<VariantTelemetry>? telemetry = null)
    {
        Written = RunReport.WriteAll(Directory, result, records, telemetry);
        Markdown = File.ReadAllText(Path.Combine(Directory, "report.md"));
        Html = File.ReadAllText(Path.Combine(Directory, "index.html"));
    }
}
