using System.Globalization;
using Harness.Engines;
using Harness.Engines.Options;

namespace Harness.Tests.Harness.Runner;

/// <summary>The options a <see cref="TestEngineFactory"/> parses: the usual variant axes, typed.</summary>
internal sealed record TestEngineOptions(string Precision, string Attention, string Batching, int MaxBatch, int MaxContext, OptionValues Values);

/// <summary>
/// A test engine as a plug-in, registered exactly like a real backend: its own option schema (precision, attention,
/// batching, max_batch, max_context and a <c>delay_ms</c> of its own), serving-only reference options like the Llama
/// engine's, and whatever engine the test builds from the parsed options.
/// </summary>
internal sealed class TestEngineFactory(Func<string, TestEngineOptions, IInferenceEngine> build, string name = "fake", bool scores = false) : EngineFactory<TestEngineOptions>
{
    public override string Name => name;

    public override string Description => "An engine a test builds, with a schema of its own.";

    public override OptionSchema Schema { get; } = new(
    [
        EngineOption.Choice("precision", "fp32", "Weight precision.", ["fp32", "bf16", "int8", "int4"]),
        EngineOption.Choice("attention", "fused", "Attention kind.", ["fused", "unfused"]),
        EngineOption.Choice("batching", "none", "Batching policy.", ["none", "static", "continuous"]),
        EngineOption.Integer("max_batch", 1, "Most sequences at once.", 1),
        EngineOption.Integer("max_context", 0, "Context length; 0 = the engine's.", 0),
        new EngineOption("delay_ms", OptionType.Duration, "0ms", "A delay of the fake's own.") { Min = 0 },
    ]);

    public override EngineCapabilities Capabilities => new("test-" + name, "cpu", scores, false, TokenStreaming.PerToken);

    /// <summary>Like the Llama engine: the reference runs its requests in one continuous batch, in a context just long enough.</summary>
    public override IReadOnlyDictionary<string, string> ReferenceOptions(IReadOnlyDictionary<string, string> options, int batch, int contextTokens)
    {
        var reference = options.ToDictionary(StringComparer.Ordinal);
        reference["batching"] = "continuous";
        reference["max_batch"] = batch.ToString(CultureInfo.InvariantCulture);
        if (!reference.TryGetValue("max_context", out string? context) || context == "0")
        {
            reference["max_context"] = ((contextTokens + 63) / 64 * 64).ToString(CultureInfo.InvariantCulture);
        }

        return reference;
    }

    /// <summary>A registry holding only this factory, so scenarios that name no engine run it.</summary>
    public EngineRegistry Registry() => new([this]);

    protected override TestEngineOptions Bind(OptionValues values) => new(
        values.Choice("precision"),
        values.Choice("attention"),
        values.Choice("batching"),
        values.Integer("max_batch"),
        values.Integer("max_context"),
        values);

    protected override IInferenceEngine Create(string modelSpec, TestEngineOptions options) => build(modelSpec, options);
}
