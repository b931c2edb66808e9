using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>
/// One phase of a tensor-parallel engine (<c>variants[].tensor_parallel.decode</c> or <c>.prefill</c>): totals and
/// means per forward pass (a decode step over the running batch, or one prefill chunk).
/// </summary>
/// <param name="Passes">Forward passes.</param>
/// <param name="Rows">Token rows those passes computed.</param>
/// <param name="WallMsPerPass">Wall time per pass, first rank's start to last rank's end.</param>
/// <param name="Ranks">Each rank's mean times per pass, in rank order.</param>
/// <param name="AllReducesPerPass">All-reduces per pass.</param>
/// <param name="AllReduceBytesPerPass">All-reduce payload bytes per pass.</param>
/// <param name="GatherBytesPerPass">Logit bytes gathered from the vocabulary shards per pass.</param>
/// <param name="ImbalancePercent">100 (slowest rank's compute - mean compute) / slowest rank's compute; null when no rank computed.</param>
internal sealed record TensorParallelPhase(
    [property: JsonPropertyName("passes")] long Passes,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("wall_ms_per_pass")] double WallMsPerPass,
    [property: JsonPropertyName("ranks")] IReadOnlyList<TensorParallelRankTimes> Ranks,
    [property: JsonPropertyName("all_reduces_per_pass")] double AllReducesPerPass,
    [property: JsonPropertyName("all_reduce_bytes_per_pass")] double AllReduceBytesPerPass,
    [property: JsonPropertyName("gather_bytes_per_pass")] double GatherBytesPerPass,
    [property: JsonPropertyName("imbalance_percent")] double? ImbalancePercent)
{
    /// <summary>Mean token rows per pass: the decode batch, or the prefill chunk's tokens.</summary>
    public double RowsPerPass => (double)Rows / Passes;

    /// <summary>Rows computed per second of the phase's wall time (prefill: prompt tokens per second).</summary>
    public double RowsPerSecond => RowsPerPass * 1000 / WallMsPerPass;
}
