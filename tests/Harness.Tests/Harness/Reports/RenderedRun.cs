using Harness.Metrics;
using Harness.Reports;
using Harness.Results;

namespace Harness.Tests.Harness.Reports;

/// <summary>
/// One two-variant run rendered once for all <see cref="RunReportTests"/>: fp32-fused (80 requests, two failed,
/// three warm-ups) and bf16-fused (70 requests, faster decode).
/// </summary>
public sealed class RenderedRun : RenderedReport
{
    public RenderedRun()
    {
        Fp32 = RunBuilder.Synthetic("fp32-fused", 80, prefillMs: 120, tpotMs: 30, tokens: 8, seed: 1, failedIndices: [5, 41], warmup: 3);
        Bf16 = RunBuilder.Synthetic("bf16-fused", 70, prefillMs: 90, tpotMs: 15, tokens: 8, seed: 2);
        var builder = new RunBuilder().Add("fp32-fused", Fp32).Add("bf16-fused", Bf16);
        Result = builder.Build();
        Records = builder.Records;
        Render(Result, Records);
    }

    internal List<RequestRecord> Fp32 { get; }

    internal List<RequestRecord> Bf16 { get; }

    internal RunResult Result { get; }

    internal IReadOnlyList<RequestRecord> Records { get; }
}
