using Harness.Engines;
using Harness.Metrics;
using Harness.Reports;
using Harness.Results;
using static Harness.Tests.Harness.Reports.RunBuilder;
using static Harness.Tests.Harness.Reports.TensorParallelTestData;

namespace Harness.Tests.Harness.Reports;

/// <summary>
/// A run of four tensor-parallel variants rendered once for <see cref="TensorParallelReportTests"/>, all on 2 cores:
/// tp1 (40 ms a decode step, TPOT p50 30 ms), tp2 (25 ms, 20 ms; also 4 prefill chunks of 32 tokens at 80 ms each),
/// tp4 (50 ms, 50 ms: more ranks than cores) and bf16-tp2, whose options no TP 1 variant shares.
/// </summary>
public sealed class RenderedTensorParallelRun : RenderedReport
{
    public RenderedTensorParallelRun()
    {
        string[] names = ["tp1", "tp2", "tp4", "bf16-tp2"];
        var builder = new RunBuilder();
        foreach ((string name, int i) in names.Select((n, i) => (n, i)))
        {
            builder.Add(name, Synthetic(name, 10, prefillMs: 40, tpotMs: 20, tokens: 6, seed: 10 + i));
        }

        RunResult built = builder.Build();
        var prefill = new TensorParallelPhaseSummary(4, 128, 80, [new(60, 5, 15), new(50, 5, 25)], 25, 819_200, 0, 100 * 5.0 / 60);
        Dictionary<string, string> Options(string precision, int tp) => new() { ["precision"] = precision, ["tp"] = tp.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        Result = built with
        {
            Variants =
            [
                Variant(built.Variants[0], "tp1", Options("fp32", 1), Profile(1, 2, 40), 30),
                Variant(built.Variants[1], "tp2", Options("fp32", 2), Profile(2, 2, 25, prefill), 20),
                Variant(built.Variants[2], "tp4", Options("fp32", 4), Profile(4, 2, 50), 50),
                Variant(built.Variants[3], "bf16-tp2", Options("bf16", 2), Profile(2, 2, 24), 18),
            ],
        };
        Render(Result, builder.Records);
    }

    internal RunResult Result { get; }
}
