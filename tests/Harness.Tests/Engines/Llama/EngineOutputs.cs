using Harness.Engines;

namespace Harness.Tests.Engines.Llama;

/// <summary>Reads an engine's streamed answer to one request.</summary>
internal static class EngineOutputs
{
    /// <summary>The token ids the engine streams for <paramref name="request"/>, in order.</summary>
    public static async Task<int[]> Collect(IInferenceEngine engine, GenerationRequest request)
    {
        var ids = new List<int>();
        await foreach (TokenEvent t in engine.GenerateAsync(request))
        {
            ids.Add(t.TokenId);
        }

        return [.. ids];
    }
}
