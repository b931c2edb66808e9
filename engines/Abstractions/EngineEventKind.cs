namespace Harness.Engines;

/// <summary>What happened to a request inside the engine.</summary>
public enum EngineEventKind
{
    /// <summary>The engine received the request (instant).</summary>
    Queued,

    /// <summary>Prompt tokens computed (a span; a chunked prefill has several). Tokens = positions computed.</summary>
    Prefill,

    /// <summary>Positions recomputed after a preemption (a span). Tokens = positions computed.</summary>
    Recompute,

    /// <summary>One decode step the request took part in (the step's span). Step = the step index.</summary>
    Decode,

    /// <summary>The request's KV blocks were taken back because memory ran out; it waits to be recomputed (instant).</summary>
    Preempted,

    /// <summary>Prompt tokens found in the prefix cache at admission (instant). Tokens = cached positions.</summary>
    PrefixHit,

    /// <summary>The last token was streamed, or the request failed or was cancelled (instant).</summary>
    Finished,
}
