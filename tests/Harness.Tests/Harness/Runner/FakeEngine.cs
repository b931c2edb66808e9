using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Harness.Engines;

namespace Harness.Tests.Harness.Runner;

/// <summary>
/// An engine whose timing is set by the test: prefill and per-token delays, optional one-at-a-time service (like the
/// Llama engine), injected failures, and a count of how many requests were in flight at once.
/// </summary>
internal sealed class FakeEngine : IInferenceEngine
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>The options the test factory parsed for this engine, when a factory built it.</summary>
    public TestEngineOptions? Options { get; init; }

    public TimeSpan Prefill { get; init; }

    public TimeSpan PerToken { get; init; }

    /// <summary>Serve one request at a time; others wait inside the engine (their queueing counts in TTFT).</summary>
    public bool Serial { get; init; }

    /// <summary>Busy time spent synchronously in GenerateAsync before its first await (delays a naive sender).</summary>
    public TimeSpan SynchronousWork { get; init; }

    /// <summary>Throw an <see cref="EngineException"/> for these requests after this many tokens (0 = before any).</summary>
    public Func<GenerationRequest, int?>? FailAfter { get; init; }

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public ConcurrentQueue<string> Received { get; } = new();

    public bool Disposed { get; private set; }

    public EngineCapabilities Capabilities { get; } = new("fake", "cpu", false, false, TokenStreaming.PerToken);

    public ITokenizer? Tokenizer { get; } = new FakeTokenizer();

    public int? VocabSize => Tokenizer!.VocabSize;

    public int MaxContextTokens => 4096;

    public EngineMemory Memory => new(1000, 2000, 0, 500, 3000);

    public async IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long until = Stopwatch.GetTimestamp() + (long)(SynchronousWork.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }

        Received.Enqueue(request.Id);
        int now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            if (Serial)
            {
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                long computeStart = Stopwatch.GetTimestamp();
                int? failAfter = FailAfter?.Invoke(request);
                await Task.Delay(Prefill, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < request.MaxNewTokens; i++)
                {
                    if (failAfter == i)
                    {
                        throw new EngineException($"injected failure in {request.Id}");
                    }

                    if (i > 0)
                    {
                        await Task.Delay(PerToken, cancellationToken).ConfigureAwait(false);
                    }

                    yield return new TokenEvent(i + 3, i, Stopwatch.GetTimestamp(), i == request.MaxNewTokens - 1 ? FinishReason.Length : null, i == 0 ? computeStart : null);
                }
            }
            finally
            {
                if (Serial)
                {
                    _gate.Release();
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public void Dispose()
    {
        Disposed = true;
        _gate.Dispose();
    }
}
