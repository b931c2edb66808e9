using Harness.Reports;
using Harness.Results;
using Harness.Runner;
using Harness.Tests.Engines.Checkpoints;
using Harness.Tests.Harness.Reports;
using Harness.Tests.Harness.Runner;

namespace Harness.Tests.Harness.Accuracy;

/// <summary>A whole run with accuracy on the real stories260K engine: result file, report and charts.</summary>
[Collection(ReportTestCollection.Name)]
public sealed class AccuracyRunTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task ARunMeasuresEveryVariantAgainstTheReferenceAndReportsIt()
    {
        string yaml = $$"""
            name: precision-test
            model: {{AccuracyTestData.Stories260K}}
            engine:
              matrix:
                precision: [fp32, int8]
              options:
                batching: continuous
                max_batch: 2
                max_context: 128
            workload:
              requests: 4
              input_tokens: {dist: uniform, min: 4, max: 12}
              output_tokens: 12
            load:
              pattern: concurrency
              concurrency: 2
            accuracy:
              fidelity: {sequences: 4, length: 48, prompt_tokens: 8}
              greedy: {prompts: 3, tokens: 16, prompt_tokens: 8}
              load_agreement: true
            warmup: 0
            seed: 5
            """;
        RunOutcome outcome = await new ScenarioRunner(RunnerTestData.Scenario(yaml), new ScenarioRunnerOptions { Environment = AccuracyTestData.Environment }).RunAsync();

        // Reference omitted: the first variant's options in fp32, which is the fp32 variant itself.
        AccuracySetup setup = outcome.Result.Accuracy!;
        Assert.Equal(("fp32", "fp32", null), (setup.Reference, setup.ReferenceVariant, setup.Error));
        Assert.True(setup.ReferenceWeightsBytes > 0);
        Assert.Equal(3, setup.Methods.Count);
        VariantAccuracy fp32 = outcome.Result.Variants[0].Accuracy!;
        VariantAccuracy int8 = outcome.Result.Variants[1].Accuracy!;
        Assert.True(fp32.IsReference);
        Assert.Equal((0.0, 1.0, 16.0), (fp32.KlMean!.Value, fp32.Top1Agreement!.Value, fp32.GreedyMatchTokens!.Value));
        Assert.False(int8.IsReference);
        Assert.True(int8.KlMean!.Value > 0);
        Assert.Equal((1.0, 4), (fp32.LoadAgreement!.Value, fp32.LoadAgreement.N));
        Assert.Equal(1.0, int8.LoadAgreement!.Value);

        // Written, read back and rendered.
        string runDir = Path.Combine(dir.Path, "run");
        Assert.Null(RunDirectory.Write(runDir, outcome, TextWriter.Null));
        RunResult read = ResultStore.Load(runDir).Result;
        Assert.Equal(int8.KlMean, read.Variants[1].Accuracy!.KlMean);
        Assert.Equal(setup.Methods, read.Accuracy!.Methods);
        string report = File.ReadAllText(Path.Combine(runDir, MarkdownReport.FileName));
        Assert.Contains("## Accuracy", report, StringComparison.Ordinal);
        Assert.Contains("| fp32 (reference) | 0 [0, 0] | 100.0 % [100.0 %, 100.0 %] | 16.00 [16.00, 16.00] |", report, StringComparison.Ordinal);
        Assert.Contains("## Compression comparison", report, StringComparison.Ordinal);
        Assert.Contains("| int8 | int8 |", report, StringComparison.Ordinal);
        Assert.Contains("Compression comparison", File.ReadAllText(Path.Combine(runDir, HtmlReport.FileName)), StringComparison.Ordinal);
        using SkiaSharp.SKBitmap chart = Pixels.Load(Path.Combine(runDir, "charts", "speed_vs_top1.png"));
        Assert.True(Pixels.Count(chart, Pixels.Near("#1f77b4")) > 30, "the fp32 point is drawn in the first palette colour");
        Assert.True(Pixels.Count(chart, Pixels.Near("#ff7f0e")) > 30, "the int8 point is drawn in the second palette colour");
    }
}
