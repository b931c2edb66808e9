using System.Globalization;
using Harness.Engines;

namespace Harness.Runner;

/// <summary>
/// Turns one variant's option map (matrix values plus <c>engine.options</c>) into <see cref="EngineOptions"/>. Known
/// keys are typed and checked here so a typo fails before any model is built; unknown keys travel in
/// <see cref="EngineOptions.Extra"/> for the engine to interpret (e.g. <c>decode</c>). <c>model</c> is the runner's:
/// a variant that sets it is built from that model instead of the scenario's (a teacher beside its distilled student).
/// </summary>
internal static class EngineOptionsBinder
{
    /// <summary>The variant key that names a model of its own.</summary>
    public const string ModelKey = "model";

    public static IReadOnlyList<string> KnownKeys { get; } = ["precision", "attention", "batching", "max_batch", "tp", "tensor_parallel", "threads", "device", "max_context", ModelKey];

    /// <summary>The model a variant is built from: its own <c>model</c>, else the scenario's.</summary>
    public static string ModelOf(IReadOnlyDictionary<string, string> config, string scenarioModel)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.TryGetValue(ModelKey, out string? model) && model.Trim().Length > 0 ? model.Trim() : scenarioModel;
    }

    /// <param name="config">The variant's options by scenario key.</param>
    /// <param name="capabilities">When given, precision and attention must be names the engine lists.</param>
    /// <exception cref="HarnessInputException">A value of the wrong type or range, naming the key.</exception>
    public static EngineOptions Bind(IReadOnlyDictionary<string, string> config, EngineCapabilities? capabilities = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        EngineOptions o = EngineOptions.Default;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string raw) in config)
        {
            string value = raw.Trim();
            o = key switch
            {
                "precision" => o with { Precision = Name(key, value, capabilities?.Precisions) },
                "attention" => o with { Attention = Name(key, value, capabilities?.AttentionKinds) },
                "batching" => o with { Batching = Name(key, value, null) },
                "device" => o with { Device = Name(key, value, null) },
                "max_batch" => o with { MaxBatch = Int(key, value, 1) },
                "tp" or "tensor_parallel" => o with { TensorParallel = Int(key, value, 1) },
                "threads" => o with { Threads = Int(key, value, 0) },
                "max_context" => o with { MaxContext = Int(key, value, 0) },
                _ => o,
            };
            if (!KnownKeys.Contains(key))
            {
                extra[key] = value;
            }
        }

        return o with { Extra = extra };
    }

    private static string Name(string key, string value, IReadOnlyList<string>? allowed)
    {
        if (value.Length == 0)
        {
            throw new HarnessInputException($"engine option '{key}' is empty");
        }

        if (allowed is not null && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            throw new HarnessInputException($"engine option '{key}': '{value}' is not supported (expected one of: {string.Join(", ", allowed)})");
        }

        return value.ToLowerInvariant();
    }

    private static int Int(string key, string value, int min)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
        {
            throw new HarnessInputException($"engine option '{key}' must be a whole number, not '{value}'");
        }

        return n >= min ? n : throw new HarnessInputException($"engine option '{key}' must be at least {min}, not {n}");
    }
}
