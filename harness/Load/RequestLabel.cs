namespace Harness.Load;

/// <summary>What the records of one load run are filed under.</summary>
/// <param name="Variant">Variant (or sweep point) name.</param>
/// <param name="Repetition">0-based repetition.</param>
/// <param name="IsWarmup">Warm-up records are excluded from statistics.</param>
internal sealed record RequestLabel(string Variant, int Repetition, bool IsWarmup);
