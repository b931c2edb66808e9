using System.Text.Json.Serialization;
using Harness.Engines;
using Harness.Metrics;

namespace Harness.Results;

/// <summary>One engine variant (or one load point of a sweep) in <c>result.json</c>.</summary>
/// <param name="Name">Variant name, e.g. "bf16-unfused"; sweep points add "@2.5rps".</param>
/// <param name="Config">The engine options this variant set.</param>
/// <param name="LoadPoint">For sweeps: the pattern and rate of this point; otherwise the scenario's load.</param>
/// <param name="GeneratorLatenessP99Ms">How late the load generator sent requests (p99), so users can see it was not the bottleneck.</param>
/// <param name="Validity">MLPerf early-stopping verdicts for the percentile claims.</param>
/// <param name="Kv">KV cache and scheduler figures from the engine's telemetry; null when the engine reports none
/// (and in result files written before it existed, which is why it is optional). Left out of the file when null, so a
/// run without telemetry writes exactly what it did before.</param>
/// <param name="Accuracy">Accuracy figures when the scenario asked for them; null (and left out) otherwise, and in
/// files written before they existed.</param>
/// <param name="TensorParallel">The tensor-parallel split and where its time went, when the engine reported it; null
/// (and left out) otherwise, and in files written before it existed.</param>
internal sealed record VariantResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("config")] IReadOnlyDictionary<string, string> Config,
    [property: JsonPropertyName("load_point")] string LoadPoint,
    [property: JsonPropertyName("metrics")] VariantSummary Metrics,
    [property: JsonPropertyName("memory")] VariantMemory Memory,
    [property: JsonPropertyName("generator_lateness_p99_ms")] double GeneratorLatenessP99Ms,
    [property: JsonPropertyName("validity")] IReadOnlyList<EarlyStoppingVerdict> Validity,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("kv"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] KvCacheSummary? Kv = null,
    [property: JsonPropertyName("accuracy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VariantAccuracy? Accuracy = null,
    [property: JsonPropertyName("tensor_parallel"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TensorParallelSummary? TensorParallel = null)
{
    /// <summary>A measured variant (or sweep point): its summary, the engine's memory and the validity verdicts.</summary>
    public static VariantResult From(
        string name,
        IReadOnlyDictionary<string, string> config,
        string loadPoint,
        VariantSummary summary,
        EngineMemory? memory,
        double latenessP99Ms,
        IReadOnlyList<EarlyStoppingVerdict> verdicts,
        string? error = null,
        KvCacheSummary? kv = null,
        TensorParallelSummary? parallel = null) =>
        new(name, config, loadPoint, summary, VariantMemory.From(memory), latenessP99Ms, verdicts, error, kv, TensorParallel: parallel);

    /// <summary>A variant whose engine could not be built: no measurements, the reason in <see cref="Error"/>.</summary>
    public static VariantResult Failed(string name, IReadOnlyDictionary<string, string> config, string loadPoint, string error) =>
        From(name, config, loadPoint, VariantSummary.Compute(name, []), null, 0, [], error);
}
