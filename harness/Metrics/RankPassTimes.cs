namespace Harness.Metrics;

/// <summary>Where one rank's time went in a mean forward pass of one phase (a decode step or a prefill chunk).</summary>
/// <param name="ComputeMs">Its own work per pass, in ms.</param>
/// <param name="CommunicationMs">Moving data between ranks per pass (summing all-reduce partials, copying logits out), in ms.</param>
/// <param name="IdleMs">Waiting at collectives for slower ranks per pass, in ms.</param>
internal readonly record struct RankPassTimes(double ComputeMs, double CommunicationMs, double IdleMs);
