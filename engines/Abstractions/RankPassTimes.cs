using System.Text.Json.Serialization;

namespace Harness.Engines;

/// <summary>
/// Where one rank's time went in a mean forward pass of one phase (a decode step or a prefill chunk;
/// <c>variants[].tensor_parallel.decode.ranks[]</c>).
/// </summary>
/// <param name="ComputeMs">Its own work per pass, in ms.</param>
/// <param name="CommunicationMs">Moving data between ranks per pass (summing all-reduce partials, copying logits out), in ms.</param>
/// <param name="IdleMs">Waiting at collectives for slower ranks per pass, in ms.</param>
public sealed record RankPassTimes(
    [property: JsonPropertyName("compute_ms_per_pass")] double ComputeMs,
    [property: JsonPropertyName("communication_ms_per_pass")] double CommunicationMs,
    [property: JsonPropertyName("idle_ms_per_pass")] double IdleMs);
