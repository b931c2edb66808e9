using Harness.Accuracy;
using Harness.Engines;
using Harness.Results;
using Harness.Runner;
using Harness.Tests.Harness.Runner;

namespace Harness.Tests.Harness.Accuracy;

public sealed class LoadAgreementTests
{
    private const string Scenario = """
        name: load-agreement
        model: preset:tiny
        engine:
          matrix:
            precision: [fp32]
        workload:
          requests: 5
          input_tokens: 6
          output_tokens: 8
        load:
          pattern: concurrency
          concurrency: 3
        accuracy:
          load_agreement: true
        warmup: 0
        seed: 9
        """;

    [Fact]
    public void OnePlantedMismatchOfFourGivesThreeQuartersAndItsPrefix()
    {
        int[] same = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
        int[] differs = [5, 6, 7, 8, 9, 99, 11, 12, 13, 14];

        (AccuracyFigure agreement, AccuracyFigure prefix) = LoadAgreement.Compare([(same, same), (same, same), (differs, same), (same, same)]);

        Assert.Equal(0.75, agreement.Value);
        Assert.Equal(4, agreement.N);
        Assert.Equal("wilson", agreement.Interval);
        Assert.InRange(0.75, agreement.CiLow, agreement.CiHigh);
        Assert.Equal((10 + 10 + 5 + 10) / 4.0, prefix.Value);
        Assert.Equal(40, prefix.Tokens);
    }

    [Fact]
    public async Task ARequestThatGeneratesDifferentlyUnderLoadIsCaughtByTheRun()
    {
        // Under load (ids ".../r0/2") request 2 goes wrong at its fourth token; alone it does not.
        var engine = new TokenScriptEngine((r, i) => r.Id.EndsWith("/r0/2", StringComparison.Ordinal) && i == 3 ? 4 : TokenScriptEngine.Default(r, i));

        VariantAccuracy a = await RunAsync(Scenario, engine);

        Assert.Equal(0.8, a.LoadAgreement!.Value, 12);
        Assert.Equal(5, a.LoadAgreement.N);
        Assert.Equal((4 * 8 + 3) / 5.0, a.LoadAgreementPrefixTokens!.Value, 12);
        Assert.Null(a.KlMean);
        Assert.Empty(a.Notes);
    }

    [Fact]
    public async Task AnEngineThatIgnoresLoadAgreesEverywhere()
    {
        VariantAccuracy a = await RunAsync(Scenario, new TokenScriptEngine());

        Assert.Equal((1.0, 1.0), (a.LoadAgreement!.Value, a.LoadAgreement.CiHigh));
        Assert.Equal(8.0, a.LoadAgreementPrefixTokens!.Value);
    }

    [Fact]
    public async Task MaxRequestsComparesTheFirstRequestsAndSaysSo()
    {
        VariantAccuracy a = await RunAsync(Scenario.Replace("load_agreement: true", "load_agreement: {max_requests: 2}", StringComparison.Ordinal), new TokenScriptEngine());

        Assert.Equal(2, a.LoadAgreement!.N);
        Assert.Contains(a.Notes, n => n.StartsWith("load_agreement: 2 of 5 ", StringComparison.Ordinal));
    }

    private static async Task<VariantAccuracy> RunAsync(string yaml, TokenScriptEngine engine)
    {
        RunOutcome outcome = await new ScenarioRunner(RunnerTestData.Scenario(yaml), new ScenarioRunnerOptions
        {
            Environment = AccuracyTestData.Environment,
            Registry = new TestEngineFactory((_, _) => engine).Registry(),
        }).RunAsync();
        VariantResult v = Assert.Single(outcome.Result.Variants);
        Assert.NotNull(outcome.Result.Accuracy);
        return v.Accuracy ?? throw new Xunit.Sdk.XunitException("no accuracy");
    }
}
