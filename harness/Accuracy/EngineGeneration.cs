using Harness.Engines;

namespace Harness.Accuracy;

/// <summary>Generated token ids of whole requests, for comparisons (timing does not matter here).</summary>
internal static class EngineGeneration
{
    /// <exception cref="EngineException">The engine failed the request.</exception>
    public static async Task<int[]> GenerateAsync(IInferenceEngine engine, GenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var ids = new List<int>(request.MaxNewTokens);
        await foreach (TokenEvent token in engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            ids.Add(token.TokenId);
        }

        return [.. ids];
    }

    /// <summary>
    /// Sends every request at once, so an engine that batches serves them together (its outputs do not depend on the
    /// batch), or one at a time when <paramref name="oneAtATime"/> asks for single-stream outputs.
    /// </summary>
    public static async Task<int[][]> GenerateAllAsync(IInferenceEngine engine, IReadOnlyList<GenerationRequest> requests, bool oneAtATime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (!oneAtATime)
        {
            return await Task.WhenAll(requests.Select(r => GenerateAsync(engine, r, cancellationToken))).ConfigureAwait(false);
        }

        int[][] outputs = new int[requests.Count][];
        for (int i = 0; i < requests.Count; i++)
        {
            outputs[i] = await GenerateAsync(engine, requests[i], cancellationToken).ConfigureAwait(false);
        }

        return outputs;
    }
}
