namespace Harness.Reports;

/// <summary>The phases a request's timeline bar is split into.</summary>
internal enum TimelineSegmentKind
{
    /// <summary>Scheduled send to the first compute: the engine's first prefill when it reports events, else its compute start (or the actual send).</summary>
    Queue,

    /// <summary>Engine prefill spans when the engine reports them; otherwise compute start to first token.</summary>
    Prefill,

    /// <summary>Engine decode steps the request took part in (consecutive steps joined); otherwise first token to completion.</summary>
    Decode,

    /// <summary>A failed request from compute start to its end, drawn in its own colour so failures stand out.</summary>
    Failed,

    /// <summary>Engine only: positions recomputed after a preemption.</summary>
    Recompute,

    /// <summary>Engine only: preempted, its KV memory taken back, waiting until the engine computes it again.</summary>
    Preempted,
}
