namespace Harness.Scenarios;

/// <summary>One combination of the scenario's engine matrix, named after the values that vary (e.g. "bf16-unfused").</summary>
internal sealed record EngineVariant(string Name, IReadOnlyDictionary<string, string> Config);
