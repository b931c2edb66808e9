using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>Where one rank's time went in a mean pass of a phase (<c>...decode.ranks[]</c>), in ms.</summary>
internal sealed record TensorParallelRankTimes(
    [property: JsonPropertyName("compute_ms_per_pass")] double ComputeMsPerPass,
    [property: JsonPropertyName("communication_ms_per_pass")] double CommunicationMsPerPass,
    [property: JsonPropertyName("idle_ms_per_pass")] double IdleMsPerPass);
