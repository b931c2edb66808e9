namespace Harness.Accuracy;

/// <summary>What one teacher-forced sequence gave when a variant's distributions were set against the reference's.</summary>
/// <param name="KlSum">KL(reference || variant) summed over the sequence's positions, in nats.</param>
/// <param name="Top1Agreements">Positions whose most likely next token is the same in both.</param>
/// <param name="Positions">Positions compared.</param>
internal readonly record struct SequenceFidelity(double KlSum, int Top1Agreements, int Positions);
