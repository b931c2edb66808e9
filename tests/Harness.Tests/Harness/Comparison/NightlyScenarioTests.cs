using Harness.Scenarios;

namespace Harness.Tests.Harness.Comparison;

/// <summary>The nightly CI scenario parses and fits its time budget on a 2-core runner.</summary>
public sealed class NightlyScenarioTests
{
    // Measured single-stream speeds on the project's 2-core machines (README, platform notes).
    private const double PrefillTokensPerS = 300;
    private const double Fp32DecodeTokensPerS = 23;

    [Fact]
    public void NightlyScenarioParsesIntoTwoVariantsWithoutDownloads()
    {
        Scenario s = ScenarioLoader.Load(NightlyPath());

        Assert.Equal("nightly", s.Name);
        Assert.StartsWith("preset:", s.Model, StringComparison.Ordinal);
        Assert.Equal(["fp32", "bf16"], VariantMatrix.Expand(s.Engine).Select(v => v.Name));
        Assert.All(VariantMatrix.Expand(s.Engine), v => Assert.Equal("fused", v.Config["attention"]));
        Assert.False(s.Workload.IsTrace);
        Assert.Equal("poisson", s.Load.Pattern);
        Assert.NotNull(s.Slo.TtftMs);
        Assert.True(s.Seed != 0, "a fixed seed gives every night the same arrivals and lengths");
    }

    [Fact]
    public void NightlyScenarioFitsAboutFourMinutesAndStaysUnderHalfLoad()
    {
        Scenario s = ScenarioLoader.Load(NightlyPath());
        int variants = VariantMatrix.Expand(s.Engine).Count;
        double meanInput = (s.Workload.InputTokens.Min + s.Workload.InputTokens.Max) / 2;
        double output = s.Workload.OutputTokens.Value;
        double serviceS = meanInput / PrefillTokensPerS + (output - 1) / Fp32DecodeTokensPerS;

        // Open loop: a variant lasts about requests / rate, plus its warm-up requests one after another.
        double totalS = variants * ((double)s.Workload.Requests / s.Load.Rate + s.Warmup * serviceS);

        Assert.InRange(totalS, 150, 270);
        Assert.InRange(s.Load.Rate * serviceS, 0.2, 0.5);
        Assert.True(s.Workload.Requests >= 100, "p99 needs at least 100 samples to be more than the maximum");
        Assert.True(s.Limits.DurationS > s.Workload.Requests / s.Load.Rate, "the time limit must not cut a normal night short");
    }

    private static string NightlyPath() => RepositoryFiles.Path("scenarios", "nightly.yaml");
}
