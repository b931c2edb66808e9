using Harness.Reports;
using Harness.Results;
using Harness.Tests.Harness.Results;
using static Harness.Tests.Harness.Reports.TensorParallelTestData;

namespace Harness.Tests.Harness.Reports;

public sealed class TensorParallelScalingTests
{
    private static readonly VariantResult Template = SampleRuns.Result(["x"]).Variants[0];

    [Fact]
    public void SpeedupIsTheTp1PartnersTimeOverThisOneAndEfficiencyDividesItByTp()
    {
        // TP 1: 40 ms a decode step, TPOT p50 30 ms. TP 2: 25 ms and 20 ms, so 1.6x (80 %) and 1.5x (75 %).
        IReadOnlyList<TensorParallelScalingRow> rows = TensorParallelScaling.Rows(
        [
            Variant(Template, "tp1", Options("fp32", "1"), Profile(1, 2, 40), 30),
            Variant(Template, "tp2", Options("fp32", "2"), Profile(2, 2, 25), 20),
        ]);

        TensorParallelScalingRow tp2 = rows[1];
        Assert.Equal(("tp2", 2, "tp1"), (tp2.Variant, tp2.Size, tp2.Baseline));
        Assert.Equal(1.6, tp2.DecodeSpeedup!.Value, 12);
        Assert.Equal(0.8, tp2.DecodeEfficiency!.Value, 12);
        Assert.Equal(1.5, tp2.TpotSpeedup!.Value, 12);
        Assert.Equal(0.75, tp2.TpotEfficiency!.Value, 12);

        // TP 1 is its own partner.
        Assert.Equal(("tp1", 1.0, 1.0), (rows[0].Baseline, rows[0].DecodeEfficiency, rows[0].TpotSpeedup));
    }

    [Fact]
    public void WithoutATp1VariantOfTheSameOtherOptionsThereIsNoFigure()
    {
        IReadOnlyList<TensorParallelScalingRow> rows = TensorParallelScaling.Rows(
        [
            Variant(Template, "fp32-tp1", Options("fp32", "1"), Profile(1, 2, 40), 30),
            Variant(Template, "bf16-tp2", Options("bf16", "2"), Profile(2, 2, 25), 20),
            Variant(Template, "fp32-tp2-late", Options("fp32", "2"), Profile(2, 2, 25), 20, loadPoint: "poisson 9 rps"),
        ]);

        foreach (TensorParallelScalingRow row in rows.Skip(1))
        {
            Assert.Null(row.Baseline);
            Assert.Null(row.DecodeSpeedup);
            Assert.Null(row.DecodeEfficiency);
            Assert.Null(row.TpotSpeedup);
            Assert.Null(row.TpotEfficiency);
            Assert.Equal(20.0, row.TpotP50Ms);
        }
    }

    [Fact]
    public void ATp1PartnerMaySetNoTpAtAllAndReportNoProfile()
    {
        // The partner left tp at its default and decoded without kernels (no profile): TPOT still compares, decode
        // steps cannot. tensor_parallel is the other spelling of the same option.
        var tp4 = new Dictionary<string, string> { ["precision"] = "fp32", ["tensor_parallel"] = "4" };
        IReadOnlyList<TensorParallelScalingRow> rows = TensorParallelScaling.Rows(
        [
            Variant(Template, "base", new Dictionary<string, string> { ["precision"] = "fp32" }, null, 36),
            Variant(Template, "tp4", tp4, Profile(4, 2, 50), 48),
        ]);

        TensorParallelScalingRow row = Assert.Single(rows);
        Assert.Equal(("base", 4), (row.Baseline, row.Size));
        Assert.Null(row.DecodeSpeedup);
        Assert.Equal(0.75, row.TpotSpeedup!.Value, 12);
        Assert.Equal(0.1875, row.TpotEfficiency!.Value, 12);
    }

    [Fact]
    public void TheSizeIsTheEnginesElseTheOptions()
    {
        Assert.Equal(4, TensorParallelScaling.Size(Variant(Template, "a", Options("fp32", "2"), Profile(4, 2, 50), 1)));
        Assert.Equal(2, TensorParallelScaling.Size(Variant(Template, "b", Options("fp32", "2"), null, 1)));
        Assert.Equal(1, TensorParallelScaling.Size(Variant(Template, "c", new Dictionary<string, string>(), null, 1)));
    }

    private static Dictionary<string, string> Options(string precision, string tp) => new() { ["precision"] = precision, ["tp"] = tp };
}
