namespace Harness.Engines;

/// <summary>Where one rank's time went over a phase's passes.</summary>
/// <param name="ComputeSeconds">Its own work: norms, its shard's matrix products, rotary, attention over its heads.</param>
/// <param name="CommunicationSeconds">Moving data between ranks once all have arrived: summing the partial results of an
/// all-reduce, copying its logits shard out.</param>
/// <param name="IdleSeconds">Waiting at a collective for slower ranks (the imbalance between ranks, and any scheduling delay
/// when ranks share cores).</param>
public readonly record struct RankTimes(double ComputeSeconds, double CommunicationSeconds, double IdleSeconds);
