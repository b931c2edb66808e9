using System.Diagnostics;
using System.Runtime.CompilerServices;
using Harness.Engines;
using Harness.Tests.Harness.Runner;

namespace Harness.Tests.Harness.Accuracy;

/// <summary>
/// An engine whose generated ids are a function of the request, set by the test: by default token i of a request is
/// (first prompt id + i) mod 50 + 3, whatever else is running, so a test can plant a difference exactly where it wants.
/// </summary>
internal sealed class TokenScriptEngine(Func<GenerationRequest, int, int>? token = null) : IInferenceEngine
{
    private readonly Func<GenerationRequest, int, int> _token = token ?? Default;

    public EngineCapabilities Capabilities { get; } = new("token-script", "cpu", false, false, TokenStreaming.PerToken);

    public int? VocabSize => Tokenizer!.VocabSize;

    public ITokenizer? Tokenizer { get; } = new FakeTokenizer();

    public int MaxContextTokens => 4096;

    public EngineMemory Memory => new(1000, 0, 0, 0, 0);

    public static int Default(GenerationRequest request, int i) => ((request.PromptIds[0] + i) % 50) + 3;

    public async IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < request.MaxNewTokens; i++)
        {
            await Task.Yield();
            yield return new TokenEvent(_token(request, i), i, Stopwatch.GetTimestamp(), i == request.MaxNewTokens - 1 ? FinishReason.Length : null);
        }
    }

    public void Dispose()
    {
    }
}
