using Harness.Engines;
using Harness.Engines.Options;

namespace Harness.Tests.Engines.Abstractions;

/// <summary>The one value parser and the schema every engine's options go through.</summary>
public sealed class OptionSchemaTests
{
    private static readonly OptionSchema Schema = new(
    [
        EngineOption.Choice("precision", "fp32", "Weights.", ["fp32", "int4"]),
        EngineOption.Integer("max_batch", 1, "Batch.", 1, 64) with { Aliases = ["batch"] },
        EngineOption.Boolean("prefix_cache", false, "Share prefixes."),
        new EngineOption("budget", OptionType.Size, "0", "Memory."),
        new EngineOption("wait", OptionType.Duration, "50ms", "Wait.") { Min = 0 },
        new EngineOption("timeout", OptionType.Duration, null, "Timeout.") { Unit = "s" },
        new EngineOption("keep", OptionType.Fraction, "0.5", "Kept.") { Min = 0, Max = 1 },
        new EngineOption("prune", OptionType.Text, null, "Prune spec."),
    ]);

    [Theory]
    [InlineData("4096", 4096L)]
    [InlineData("90MiB", 90L << 20)]
    [InlineData("90 mib", 90L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("512KiB", 512L << 10)]
    [InlineData("0", 0L)]
    public void Sizes_read_binary_and_decimal_units(string text, long bytes) =>
        Assert.Equal(bytes, Schema.Read(new Dictionary<string, string> { ["budget"] = text }, "t").Size("budget"));

    [Theory]
    [InlineData("50ms", 50_000)]
    [InlineData("2s", 2_000_000)]
    [InlineData("1.5m", 90_000_000)]
    [InlineData("250us", 250)]
    [InlineData("7", 7_000)]
    public void Durations_take_a_unit_or_the_options_own(string text, long microseconds) =>
        Assert.Equal(TimeSpan.FromMicroseconds(microseconds), Schema.Read(new Dictionary<string, string> { ["wait"] = text }, "t").Duration("wait"));

    [Fact]
    public void A_bare_number_is_in_the_declared_unit() =>
        Assert.Equal(TimeSpan.FromSeconds(30), Schema.Read(new Dictionary<string, string> { ["timeout"] = "30" }, "t").Duration("timeout"));

    [Theory]
    [InlineData("on", true)]
    [InlineData("TRUE", true)]
    [InlineData("yes", true)]
    [InlineData("0", false)]
    [InlineData("off", false)]
    public void Booleans_accept_the_usual_spellings(string text, bool value) =>
        Assert.Equal(value, Schema.Read(new Dictionary<string, string> { ["prefix_cache"] = text }, "t").Boolean("prefix_cache"));

    [Fact]
    public void Defaults_aliases_choices_and_fractions_are_typed()
    {
        OptionValues v = Schema.Read(new Dictionary<string, string> { ["precision"] = "INT4", ["batch"] = "8", ["keep"] = "25%" }, "t");

        Assert.Equal(("int4", 8, 0.25, false, 0L), (v.Choice("precision"), v.Integer("max_batch"), v.Fraction("keep"), v.Boolean("prefix_cache"), v.Size("budget")));
        Assert.Equal(TimeSpan.FromMilliseconds(50), v.Duration("wait"));
        Assert.Null(v.Text("prune"));
        Assert.True(v.IsSet("max_batch"));
        Assert.False(v.IsSet("wait"));
        Assert.Equal("8", v.Effective["max_batch"]);
        Assert.Equal("50ms", v.Effective["wait"]);
        Assert.False(v.Effective.ContainsKey("prune"));
    }

    [Theory]
    [InlineData("max_batchh", "5", "engine 't' has no option 'max_batchh' (its options: precision, max_batch, prefix_cache, budget, wait, timeout, keep, prune)")]
    [InlineData("max_batch", "0", "option 'max_batch' must be 1..64, not '0'")]
    [InlineData("max_batch", "lots", "option 'max_batch' must be a whole number, not 'lots'")]
    [InlineData("precision", "int5", "option 'precision': 'int5' is not one of fp32, int4")]
    [InlineData("budget", "90MB/s", "option 'budget' must be a size such as 4096, 512KiB, 90MiB or 1.5GB, not '90MB/s'")]
    [InlineData("budget", "-1", "option 'budget' must be a size")]
    [InlineData("budget", "0.5B", "option 'budget' must be a size")]
    [InlineData("wait", "soon", "option 'wait' must be a duration such as 50ms, 2s or 1.5m (a bare number is in ms), not 'soon'")]
    [InlineData("wait", "-5ms", "option 'wait' must be a duration")]
    [InlineData("keep", "1.5", "option 'keep' must be 0..1, not '1.5'")]
    [InlineData("prefix_cache", "maybe", "option 'prefix_cache' must be true or false")]
    public void Bad_values_are_one_line_naming_the_option(string key, string value, string message)
    {
        EngineException ex = Assert.Throws<EngineException>(() => Schema.Read(new Dictionary<string, string> { [key] = value }, "t"));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void An_option_set_twice_through_an_alias_is_refused() =>
        Assert.Contains("option 'max_batch' is set twice", Assert.Throws<EngineException>(() => Schema.Read(new Dictionary<string, string> { ["max_batch"] = "2", ["batch"] = "4" }, "t")).Message, StringComparison.Ordinal);

    [Fact]
    public void A_default_its_own_parser_refuses_fails_at_declaration() =>
        Assert.Throws<EngineException>(() => new OptionSchema([EngineOption.Choice("precision", "fp64", "Weights.", ["fp32"])]));
}
