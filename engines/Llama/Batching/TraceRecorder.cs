using Harness.Engines.Llama.KvCache;

namespace Harness.Engines.Llama.Batching;

/// <summary>
/// Collects what the scheduler did for <see cref="IEngineTelemetry"/>: request events and one sample per step. The
/// engine thread records; the harness drains from another thread, hence the lock (taken a few times per step, which
/// costs microseconds against steps of tens of milliseconds).
/// </summary>
internal sealed class TraceRecorder(string kvLayout, int blockSize, long bytesPerToken, int maxContext)
{
    private readonly Lock gate = new();
    private List<EngineRequestEvent> events = [];
    private List<EngineStep> steps = [];
    private long prefixHit;
    private long prefixMiss;

    /// <summary>Index the next recorded step gets.</summary>
    public int NextStep { get; private set; }

    public void Event(string requestId, EngineEventKind kind, long start, long end, int step = -1, int tokens = 0)
    {
        lock (gate)
        {
            events.Add(new EngineRequestEvent(requestId, kind, start, end, step, tokens));
        }
    }

    public void Instant(string requestId, EngineEventKind kind, long at, int tokens = 0) => Event(requestId, kind, at, at, -1, tokens);

    /// <summary>A prompt looked up in the prefix cache: positions found and positions left to compute.</summary>
    public void PrefixLookup(int hitTokens, int missTokens)
    {
        lock (gate)
        {
            prefixHit += hitTokens;
            prefixMiss += missTokens;
        }
    }

    /// <summary>Records a step under <see cref="NextStep"/> and moves on to the next index.</summary>
    public void Step(long start, long end, int decodeSequences, int prefillTokens, int running, int waiting, in KvUsage kv)
    {
        lock (gate)
        {
            steps.Add(new EngineStep(NextStep, start, end, decodeSequences, prefillTokens, running, waiting, kv.UsedBytes, kv.AllocatedBytes, kv.CapacityBytes));
            NextStep++;
        }
    }

    public EngineTrace Drain()
    {
        lock (gate)
        {
            var trace = new EngineTrace(kvLayout, blockSize, bytesPerToken, maxContext, events, steps, prefixHit, prefixMiss);
            events = [];
            steps = [];
            prefixHit = 0;
            prefixMiss = 0;
            return trace;
        }
    }
}
