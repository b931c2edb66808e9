namespace Harness.Engines.Llama.Parallel;

/// <summary>One rank's Stopwatch ticks over one forward pass: from its start to its end, and the parts of that spent
/// waiting at collectives (idle) and moving data between ranks (communication); the rest is its compute.</summary>
internal struct RankClock
{
    public long Start;
    public long End;
    public long Idle;
    public long Communication;

    public readonly long Compute => End - Start - Idle - Communication;
}
