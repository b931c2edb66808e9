using Harness.Reports;

namespace Harness.Tests.Harness.Reports;

/// <summary>The compression comparison names what each variant did to the model.</summary>
public sealed class CompressionComparisonTests
{
    [Theory]
    [InlineData("", "", "", "fp32")]
    [InlineData("int8", "", "", "int8")]
    [InlineData("int4", "wanda:0.5", "", "int4, pruned wanda:0.5")]
    [InlineData("", "none", "", "fp32")]
    [InlineData("bf16", "mlp:0.25", "hf:students/two-layers", "bf16, pruned mlp:0.25, hf:students/two-layers")]
    public void A_variant_is_described_by_its_precision_pruning_and_model(string precision, string prune, string model, string expected)
    {
        var config = new Dictionary<string, string>();
        foreach ((string key, string value) in new[] { ("precision", precision), ("prune", prune), ("model", model) })
        {
            if (value.Length > 0)
            {
                config[key] = value;
            }
        }

        Assert.Equal(expected, CompressionComparison.Describe(config));
    }
}
