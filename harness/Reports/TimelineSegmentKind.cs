namespace Harness.Reports;

/// <summary>The phases a request's timeline bar is split into.</summary>
internal enum TimelineSegmentKind
{
    /// <summary>Scheduled send to engine compute start (or to the actual send when the engine reports no compute start).</summary>
    Queue,

    /// <summary>Compute start to first token.</summary>
    Prefill,

    /// <summary>First token to completion.</summary>
    Decode,

    /// <summary>A failed request from compute start to its end, drawn in its own colour so failures stand out.</summary>
    Failed,
}
