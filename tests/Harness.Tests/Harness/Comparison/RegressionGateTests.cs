using Harness.Comparison;
using Harness.Statistics;
using Harness.Tests.Harness.Statistics;

namespace Harness.Tests.Harness.Comparison;

public sealed class RegressionGateTests
{
    [Fact]
    public void ParsesLatencyAndRateSpecs()
    {
        GateSpec p99 = RegressionGate.Parse("ttft_ms.p99:5");
        Assert.Equal("ttft_ms", p99.Metric);
        Assert.Equal(0.99, p99.Statistic!.Percentile, 1e-12);
        Assert.Equal(5, p99.MaxWorsePercent);
        Assert.Equal(MetricDirection.LowerIsBetter, p99.Direction);

        GateSpec rate = RegressionGate.Parse("output_tokens_per_s:3");
        Assert.Null(rate.Statistic);
        Assert.Equal(MetricDirection.HigherIsBetter, rate.Direction);
        Assert.Equal(BootstrapStatisticKind.Mean, RegressionGate.Parse("e2e_ms.mean:2.5").Statistic!.Kind);
    }

    [Theory]
    [InlineData("ttft_ms.p99")]
    [InlineData("ttft_ms.p99:")]
    [InlineData("ttft_ms:5")]
    [InlineData("ttft_ms.p120:5")]
    [InlineData("ttft_ms.q99:5")]
    [InlineData("latency.p99:5")]
    [InlineData("output_tokens_per_s.p99:3")]
    [InlineData("ttft_ms.p99:-1")]
    [InlineData("ttft_ms.p99:five")]
    public void BadSpecsAreOneLineErrors(string spec)
    {
        HarnessInputException e = Assert.Throws<HarnessInputException>(() => RegressionGate.Parse(spec));
        Assert.Contains(spec, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void PlantedRegressionFailsAtFivePercentAndPassesAtTwenty()
    {
        double[] a = BootstrapTests.LogNormalSample(500, 1);
        double[] b = BootstrapTests.Scaled(a, 1.10);
        Assert.True(RegressionGate.Evaluate(RegressionGate.Parse("e2e_ms.mean:5"), a, b).Failed);
        Assert.False(RegressionGate.Evaluate(RegressionGate.Parse("e2e_ms.mean:20"), a, b).Failed);
        Assert.False(RegressionGate.Evaluate(RegressionGate.Parse("e2e_ms.mean:5"), a, a).Failed);

        // An improvement never fails a gate.
        Assert.False(RegressionGate.Evaluate(RegressionGate.Parse("e2e_ms.mean:0"), b, a).Failed);
    }

    [Fact]
    public void ThroughputDropFailsItsGate()
    {
        double[] seconds = BootstrapTests.LogNormalSample(500, 2);
        double[] tokens = [.. seconds.Select(_ => 128.0)];
        BootstrapResult slower = Bootstrap.CompareRatio(tokens, seconds, tokens, BootstrapTests.Scaled(seconds, 1.10), MetricDirection.HigherIsBetter);
        Assert.True(RegressionGate.Decide(RegressionGate.Parse("output_tokens_per_s:3"), slower).Failed);
        Assert.False(RegressionGate.Decide(RegressionGate.Parse("output_tokens_per_s:15"), slower).Failed);
    }
}
