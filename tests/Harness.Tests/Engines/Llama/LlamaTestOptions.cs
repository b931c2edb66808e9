using System.Globalization;
using Harness.Engines.Llama;

namespace Harness.Tests.Engines.Llama;

/// <summary>Llama engine options for tests, written as a scenario would set them and parsed by the engine's own schema.</summary>
internal static class LlamaTestOptions
{
    public static LlamaOptions Of(
        string? Precision = null,
        string? Attention = null,
        string? Batching = null,
        int? MaxBatch = null,
        int? TensorParallel = null,
        int? Threads = null,
        int? MaxContext = null,
        IReadOnlyDictionary<string, string>? Extra = null)
    {
        var map = new Dictionary<string, string>(Extra ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        void Set(string key, object? value)
        {
            if (value is not null)
            {
                map[key] = Convert.ToString(value, CultureInfo.InvariantCulture)!;
            }
        }

        Set("precision", Precision);
        Set("attention", Attention);
        Set("batching", Batching);
        Set("max_batch", MaxBatch);
        Set("tp", TensorParallel);
        Set("threads", Threads);
        Set("max_context", MaxContext);
        return LlamaOptions.Parse(map);
    }
}
