namespace Harness.Engines;

/// <summary>
/// The contract between the harness and an engine backend. Requests may be submitted concurrently; the engine
/// decides how to schedule them (one at a time, static or continuous batches) and streams each request's tokens with
/// the time they became ready.
/// </summary>
public interface IInferenceEngine : IDisposable
{
    EngineCapabilities Capabilities { get; }

    /// <summary>The model's tokenizer, or null in token-id mode (and for servers whose tokenizer is not known).</summary>
    ITokenizer? Tokenizer { get; }

    /// <summary>Token ids the model accepts are [0, VocabSize); null when the engine cannot tell (a remote server).</summary>
    int? VocabSize { get; }

    /// <summary>Tokens per sequence the engine accepts (prompt plus output).</summary>
    int MaxContextTokens { get; }

    /// <summary>Memory now, with peaks since the engine was built.</summary>
    EngineMemory Memory { get; }

    /// <summary>Generates tokens for one request, streaming each as it is ready.</summary>
    /// <exception cref="EngineException">The request is invalid for this model (empty prompt, ids out of range, too long).</exception>
    IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);
}
