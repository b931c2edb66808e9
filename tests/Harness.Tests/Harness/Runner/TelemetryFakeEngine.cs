using System.Diagnostics;
using System.Runtime.CompilerServices;
using Harness.Engines;

namespace Harness.Tests.Harness.Runner;

/// <summary>
/// A <see cref="FakeEngine"/> that also reports telemetry with known numbers: per request, queued, a prefill span (one
/// step, 4 prompt tokens from the prefix cache), one decode step per later token and finished; every step holds
/// 10 bytes per stored position in a contiguous 64-token slot (640 bytes allocated). Before the run it has already
/// recorded a self-test request, which the runner must drop.
/// </summary>
internal sealed class TelemetryFakeEngine : IInferenceEngine, IEngineTelemetry
{
    public const long BytesPerToken = 10;
    public const int Slot = 64;
    public const int PrefixHitTokens = 4;
    public const string SelfTestId = "selftest";

    private readonly FakeEngine _inner;
    private readonly Lock _lock = new();
    private List<EngineRequestEvent> _events = [];
    private List<EngineStep> _steps = [];
    private long _hits;
    private long _misses;
    private int _nextStep;
    private int _drains;

    public TelemetryFakeEngine(FakeEngine inner)
    {
        _inner = inner;
        long now = Stopwatch.GetTimestamp();
        _events.Add(new EngineRequestEvent(SelfTestId, EngineEventKind.Queued, now, now, -1, 0));
        _steps.Add(new EngineStep(_nextStep++, now, now, 1, 0, 1, 0, BytesPerToken, BytesPerToken * Slot, BytesPerToken * Slot));
    }

    public int Drains => Volatile.Read(ref _drains);

    /// <summary>A tensor-parallel profile every drain returns as its delta, or null for an unsplit engine.</summary>
    public TensorParallelProfile? Parallel { get; init; }

    public EngineCapabilities Capabilities => _inner.Capabilities with { ReportsSchedulerTelemetry = true };

    public int? VocabSize => _inner.VocabSize;

    public ITokenizer? Tokenizer => _inner.Tokenizer;

    public int MaxContextTokens => _inner.MaxContextTokens;

    public EngineMemory Memory => _inner.Memory;

    public bool Disposed => _inner.Disposed;

    public EngineTrace Drain()
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _drains);
            var trace = new EngineTrace("contiguous", Slot, BytesPerToken, Slot, _events, _steps, _hits, _misses, Parallel);
            _events = [];
            _steps = [];
            _hits = 0;
            _misses = 0;
            return trace;
        }
    }

    public async IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        long queued = Stopwatch.GetTimestamp();
        Record(new EngineRequestEvent(request.Id, EngineEventKind.Queued, queued, queued, -1, 0));
        int prompt = request.PromptIds.Count;
        int emitted = 0;
        long previous = 0;
        await foreach (TokenEvent token in _inner.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            lock (_lock)
            {
                int step = _nextStep++;
                if (emitted == 0)
                {
                    long start = token.ComputeStart ?? queued;
                    _events.Add(new EngineRequestEvent(request.Id, EngineEventKind.PrefixHit, start, start, step, PrefixHitTokens));
                    _events.Add(new EngineRequestEvent(request.Id, EngineEventKind.Prefill, start, token.Timestamp, step, prompt - PrefixHitTokens));
                    _steps.Add(new EngineStep(step, start, token.Timestamp, 0, prompt - PrefixHitTokens, 1, 0, BytesPerToken * prompt, BytesPerToken * Slot, BytesPerToken * Slot));
                    _hits += PrefixHitTokens;
                    _misses += prompt - PrefixHitTokens;
                }
                else
                {
                    _events.Add(new EngineRequestEvent(request.Id, EngineEventKind.Decode, previous, token.Timestamp, step, 0));
                    _steps.Add(new EngineStep(step, previous, token.Timestamp, 1, 0, 1, 0, BytesPerToken * (prompt + emitted), BytesPerToken * Slot, BytesPerToken * Slot));
                }
            }

            emitted++;
            previous = token.Timestamp;
            yield return token;
        }

        long finished = Stopwatch.GetTimestamp();
        Record(new EngineRequestEvent(request.Id, EngineEventKind.Finished, finished, finished, -1, 0));
    }

    public void Dispose() => _inner.Dispose();

    private void Record(EngineRequestEvent e)
    {
        lock (_lock)
        {
            _events.Add(e);
        }
    }
}
