using Harness.Scenarios;
using Harness.Tests.Harness.Runner;

namespace Harness.Tests.Harness.Scenarios;

/// <summary>engine.variants: each named variant is the shared options plus its own, in file order.</summary>
public sealed class NamedVariantsTests
{
    private const string Listed = """
        name: listed
        model: default
        engine:
          options:
            precision: fp32
            max_context: 128
          variants:
            dense: {}
            pruned: {prune: "wanda:0.5"}
            small: {model: default-distilled, precision: int8}
        workload:
          requests: 2
          input_tokens: 8
          output_tokens: 3
        load:
          pattern: single
        """;

    [Fact]
    public void Named_variants_keep_their_names_and_add_their_options_to_the_shared_ones()
    {
        IReadOnlyList<EngineVariant> variants = VariantMatrix.Expand(RunnerTestData.Scenario(Listed).Engine);
        Assert.Equal(["dense", "pruned", "small"], variants.Select(v => v.Name));
        Assert.Equal(("fp32", "128"), (variants[0].Config["precision"], variants[0].Config["max_context"]));
        Assert.Equal("wanda:0.5", variants[1].Config["prune"]);
        Assert.Equal(("int8", "default-distilled", "128"), (variants[2].Config["precision"], variants[2].Config["model"], variants[2].Config["max_context"]));
    }

    [Theory]
    [InlineData("  matrix: {precision: [fp32, bf16]}\n", "'engine.variants' and 'engine.matrix' cannot both be given")]
    [InlineData("", "'engine.variants.bare' must be a mapping of options")]
    public void A_variant_list_that_cannot_be_read_is_refused_with_its_place(string extra, string message)
    {
        string yaml = extra.Length > 0
            ? Listed.Replace("  variants:", extra + "  variants:", StringComparison.Ordinal)
            : Listed.Replace("    dense: {}", "    bare:", StringComparison.Ordinal);
        var e = Assert.Throws<HarnessInputException>(() => RunnerTestData.Scenario(yaml));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
