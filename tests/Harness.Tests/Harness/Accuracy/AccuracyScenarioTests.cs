using Harness.Cli;
using Harness.Scenarios;
using Harness.Tests.Engines.Checkpoints;

namespace Harness.Tests.Harness.Accuracy;

public sealed class AccuracyScenarioTests : IDisposable
{
    private const string Head = """
        name: acc
        model: preset:tiny
        engine:
          matrix:
            precision: [fp32, bf16]
        workload:
          requests: 2
          input_tokens: 4
          output_tokens: 2

        """;

    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void AFullSectionIsReadWithPathsRelativeToTheScenario()
    {
        Scenario s = Load("""
            accuracy:
              reference: bf16
              fidelity: {sequences: 3, length: 40, prompt_tokens: 10, temperature: 0.7}
              greedy: {prompts: 2, tokens: 5}
              perplexity: {text: heldout.txt, window: 32, max_windows: 4}
              exact_match: {file: qa.jsonl, max_tokens: 4, match: prefix}
              load_agreement: true
            """);

        AccuracySpec a = s.Accuracy!;
        Assert.Equal("bf16", a.Reference);
        Assert.Equal(new FidelitySpec(3, 40, 10, 0.7), a.Fidelity);
        Assert.Equal(new GreedySpec(2, 5, 32), a.Greedy);
        Assert.Equal(new PerplexitySpec(Path.Combine(dir.Path, "heldout.txt"), 32, 4), a.Perplexity);
        Assert.Equal(new ExactMatchSpec(Path.Combine(dir.Path, "qa.jsonl"), 4, "prefix"), a.ExactMatch);
        Assert.Equal(new LoadAgreementSpec(), a.LoadAgreement);
    }

    [Fact]
    public void NoSectionMeansNoAccuracyAndQuickShrinksOne()
    {
        Assert.Null(Load(string.Empty).Accuracy);

        AccuracySpec quick = Load("accuracy:\n  fidelity: {sequences: 32, length: 512, prompt_tokens: 300}\n  greedy: {prompts: 20, tokens: 100}\n  load_agreement: true\n", quick: true).Accuracy!;
        Assert.Equal(new FidelitySpec(4, 64, 32), quick.Fidelity);
        Assert.Equal((4, 16), (quick.Greedy!.Prompts, quick.Greedy.Tokens));
        Assert.Equal(4, quick.LoadAgreement!.MaxRequests);
    }

    [Theory]
    [InlineData("accuracy:\n  fidelty: {sequences: 2}\n", ":11:3: unknown key 'accuracy.fidelty'")]
    [InlineData("accuracy:\n  greedy: {prompts: 2, tokenz: 3}\n", ":11:24: unknown key 'accuracy.greedy.tokenz'")]
    [InlineData("accuracy:\n  perplexity: {text: missing.txt}\n", ":11:22: 'accuracy.perplexity.text': file 'missing.txt' does not exist")]
    [InlineData("accuracy:\n  perplexity: {window: 8}\n", "'accuracy.perplexity.text' is required")]
    [InlineData("accuracy:\n  exact_match: {file: qa.jsonl, match: fuzzy}\n", "'accuracy.exact_match.match' must be one of exact, prefix, not 'fuzzy'")]
    [InlineData("accuracy:\n  fidelity: {sequences: 0}\n", "'accuracy.fidelity.sequences' must be at least 1, not 0")]
    [InlineData("accuracy:\n  fidelity: {length: 16, prompt_tokens: 16}\n", "'accuracy.fidelity.prompt_tokens' (16) must be below 'length' (16)")]
    [InlineData("accuracy:\n  fidelity: {temperature: 0}\n", "'accuracy.fidelity.temperature' must be a positive number")]
    [InlineData("accuracy:\n  load_agreement: {requests: 2}\n", "unknown key 'accuracy.load_agreement.requests'")]
    [InlineData("accuracy:\n  load_agreement: maybe\n", "'accuracy.load_agreement' must be true or false, not 'maybe'")]
    [InlineData("accuracy: {}\n", "'accuracy' measures nothing")]
    [InlineData("accuracy:\n  reference: fp32\n", "'accuracy' measures nothing")]
    public void ABadSectionIsOneLineNamingFileLineAndKey(string section, string message)
    {
        HarnessInputException ex = Assert.Throws<HarnessInputException>(() => Load(section));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(dir.Path, "scenario.yaml"), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("perplexity: {text: heldout.txt}", "perplexity")]
    [InlineData("exact_match: {file: qa.jsonl}", "exact_match")]
    [InlineData("fidelity: {text: heldout.txt}", "fidelity")]
    public void TextMeasurementsOnAModelWithoutATokenizerAreRefused(string measurement, string key)
    {
        string yaml = Head.Replace("preset:tiny", AccuracyTestData.Stories260K, StringComparison.Ordinal) + $"accuracy:\n  {measurement}\n";

        HarnessInputException ex = Assert.Throws<HarnessInputException>(() => ScenarioLoader.Load(AccuracyTestData.WriteScenario(dir.Path, yaml)));

        Assert.Contains($"'accuracy.{key}' needs text, but model '{AccuracyTestData.Stories260K}' has no tokenizer (token-id mode)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("accuracy:\n  reference: int4\n  greedy: {prompts: 1}\n", "'accuracy.reference' names 'int4', which is not a variant of this scenario (variants: fp32, bf16)")]
    [InlineData("accuracy:\n  greedy: {prompts: 1, tokens: 60, prompt_tokens: 8}\n", "'accuracy.greedy (prompt_tokens + tokens)' needs 68 tokens per sequence, more than its max_context of 64")]
    [InlineData("accuracy:\n  perplexity: {text: heldout.txt, window: 64}\n", "'accuracy.perplexity.window (+ BOS)' needs 65 tokens per sequence")]
    public async Task TheRunCommandExitsWithTwoBeforeAnythingRuns(string section, string message)
    {
        string yaml = Head.Replace("precision: [fp32, bf16]", "precision: [fp32, bf16]\n  options:\n    max_context: 64", StringComparison.Ordinal) + section;
        string scenario = AccuracyTestData.WriteScenario(dir.Path, yaml);
        string output = Path.Combine(dir.Path, "run");
        TextWriter stderr = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        int code;
        try
        {
            code = await Program.Main(["run", scenario, "--out", output]);
        }
        finally
        {
            Console.SetError(stderr);
        }

        Assert.Equal(ExitCodes.UsageError, code);
        Assert.False(Directory.Exists(output));
        string line = captured.ToString().Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    private Scenario Load(string section, bool quick = false) =>
        ScenarioLoader.Load(AccuracyTestData.WriteScenario(dir.Path, Head + section), quick: quick);
}
