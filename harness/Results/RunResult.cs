using System.Text.Json.Serialization;
using Harness.Metrics;

namespace Harness.Results;

/// <summary>
/// Everything one <c>run</c> produced, as written to <c>result.json</c> (snake_case). Per-request records are kept
/// beside it in <c>requests.csv</c>; <see cref="ResultStore"/> reads and writes both. <see cref="Accuracy"/> is present
/// only when the scenario measured accuracy (optional, so schema version 1 files without it still read).
/// </summary>
internal sealed record RunResult(
    [property: JsonPropertyName("schema_version")] int SchemaVersion,
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("scenario_path")] string ScenarioPath,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset FinishedAt,
    [property: JsonPropertyName("complete")] bool Complete,
    [property: JsonPropertyName("quick")] bool Quick,
    [property: JsonPropertyName("seed")] ulong Seed,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("workload")] string Workload,
    [property: JsonPropertyName("load")] string Load,
    [property: JsonPropertyName("slo")] Slo? Slo,
    [property: JsonPropertyName("environment")] RunEnvironment Environment,
    [property: JsonPropertyName("variants")] IReadOnlyList<VariantResult> Variants,
    [property: JsonPropertyName("metric_definitions")] IReadOnlyList<MetricDefinition> MetricDefinitions,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes,
    [property: JsonPropertyName("accuracy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccuracySetup? Accuracy = null)
{
    public const int CurrentSchemaVersion = 1;
}
