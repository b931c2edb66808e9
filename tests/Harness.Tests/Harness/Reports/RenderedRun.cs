using Harness.Metrics;
using Harness.Reports;
using Harness.Results;

namespace Harness.Tests.Harness.Reports;

/// <summary>
/// One two-variant run rendered once for all <see cref="RunReportTests"/>: fp32-fused (80 requests, two failed,
/// three warm-ups) and bf16-fused (70 requests, faster decode).
/// </summary>
public sealed class RenderedRun : IDisposable
{
    public RenderedRun()
    {
        Directory = Path.Combine(Path.GetTempPath(), "harness-report-tests", Guid.NewGuid().ToString("N"));
        Fp32 = RunBuilder.Synthetic("fp32-fused", 80, prefillMs: 120, tpotMs: 30, tokens: 8, seed: 1, failedIndices: [5, 41], warmup: 3);
        Bf16 = RunBuilder.Synthetic("bf16-fused", 70, prefillMs: 90, tpotMs: 15, tokens: 8, seed: 2);
        var builder = new RunBuilder().Add("fp32-fused", Fp32).Add("bf16-fused", Bf16);
        Result = builder.Build();
        Records = builder.Records;
        Written = RunReport.WriteAll(Directory, Result, Records);
        Markdown = File.ReadAllText(Path.Combine(Directory, "report.md"));
        Html = File.ReadAllText(Path.Combine(Directory, "index.html"));
    }

    public string Directory { get; }

    internal List<RequestRecord> Fp32 { get; }

    internal List<RequestRecord> Bf16 { get; }

    internal RunResult Result { get; }

    internal IReadOnlyList<RequestRecord> Records { get; }

    public IReadOnlyList<string> Written { get; }

    public string Markdown { get; }

    public string Html { get; }

    public string Chart(string name) => Path.Combine(Directory, "charts", name);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
