namespace Harness.Scenarios;

/// <summary>
/// One variant of a scenario: a combination of the engine matrix (named after the values that vary, e.g.
/// "bf16-unfused") or a named variant. <see cref="Config"/> is every key the variant sets, as result files record it;
/// two keys are the runner's rather than the engine's: <c>engine</c> picks the backend and <c>model</c> the model.
/// </summary>
/// <param name="Engine">The registered engine that builds this variant.</param>
internal sealed record EngineVariant(string Name, string Engine, IReadOnlyDictionary<string, string> Config)
{
    /// <summary>The variant key that names its own engine.</summary>
    public const string EngineKey = "engine";

    /// <summary>The variant key that names its own model (a teacher beside its distilled student).</summary>
    public const string ModelKey = "model";

    /// <summary>The options its engine reads: <see cref="Config"/> without the runner's keys.</summary>
    public IReadOnlyDictionary<string, string> EngineOptions { get; } =
        Config.Where(kv => kv.Key is not (EngineKey or ModelKey)).ToDictionary(StringComparer.Ordinal);

    /// <summary>The model the variant is built from: its own <c>model</c>, else the scenario's.</summary>
    public string ModelOr(string scenarioModel) =>
        Config.TryGetValue(ModelKey, out string? model) && model.Trim().Length > 0 ? model.Trim() : scenarioModel;
}
