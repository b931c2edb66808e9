using Harness.Engines;
using Harness.Runner;

namespace Harness.Tests.Harness.Runner;

public sealed class EngineOptionsBinderTests
{
    private static readonly EngineCapabilities Caps = new("fake", "cpu", ["fp32", "bf16"], ["fused", "unfused"], ["none"], [1], 4096);

    [Fact]
    public void BindsEveryKnownKeyAndPassesUnknownKeysThrough()
    {
        EngineOptions o = EngineOptionsBinder.Bind(new Dictionary<string, string>
        {
            ["precision"] = "BF16",
            ["attention"] = "unfused",
            ["batching"] = "none",
            ["max_batch"] = "4",
            ["tp"] = "2",
            ["threads"] = "1",
            ["device"] = "cpu",
            ["max_context"] = "512",
            ["decode"] = "torch",
        }, Caps);

        Assert.Equal(("bf16", "unfused", "none", 4, 2, 1, "cpu", 512), (o.Precision, o.Attention, o.Batching, o.MaxBatch, o.TensorParallel, o.Threads, o.Device, o.MaxContext));
        Assert.Equal("torch", Assert.Single(o.Extra!).Value);
    }

    [Fact]
    public void AnEmptyConfigGivesTheDefaults()
    {
        EngineOptions o = EngineOptionsBinder.Bind(new Dictionary<string, string>());
        Assert.Equal(EngineOptions.Default with { Extra = o.Extra }, o);
        Assert.Empty(o.Extra!);
    }

    [Theory]
    [InlineData("max_batch", "lots", "whole number")]
    [InlineData("max_batch", "0", "at least 1")]
    [InlineData("tp", "1.5", "whole number")]
    [InlineData("threads", "-1", "at least 0")]
    [InlineData("max_context", "big", "whole number")]
    [InlineData("precision", "fp23", "not supported")]
    [InlineData("attention", "flash", "not supported")]
    [InlineData("device", " ", "empty")]
    public void ABadValueNamesItsKey(string key, string value, string reason)
    {
        var ex = Assert.Throws<HarnessInputException>(() => EngineOptionsBinder.Bind(new Dictionary<string, string> { [key] = value }, Caps));
        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
