using System.Text.Json.Serialization;
using HdrHistogram;

namespace Harness.Metrics;

/// <summary>Distribution of one latency metric, in milliseconds (<c>variants[].metrics.ttft_ms</c> and its kin).</summary>
/// <remarks>
/// Percentiles come from an HdrHistogram recording nanoseconds with 3 significant decimal digits: a reported
/// percentile is the top of the bucket holding the nearest-rank sample, at most <see cref="RelativeError"/> above it
/// (2048 sub-buckets per power of two, so buckets are at most 1/1024 of their value wide) and clamped to the true max.
/// Count, mean, std (population, as numpy's default that vLLM uses) and max are exact.
/// </remarks>
internal sealed record LatencySummary(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p90")] double P90,
    [property: JsonPropertyName("p95")] double P95,
    [property: JsonPropertyName("p99")] double P99,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("std")] double Std)
{
    /// <summary>Upper bound of a percentile's relative error against the exact nearest-rank value.</summary>
    public const double RelativeError = 1.0 / 1024;

    private const int SignificantDigits = 3;
    private const long HighestNs = 24L * 3600 * 1_000_000_000; // a day; longer values are clamped

    public static LatencySummary Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static LatencySummary FromMilliseconds(IEnumerable<double> valuesMs)
    {
        ArgumentNullException.ThrowIfNull(valuesMs);
        LongHistogram histogram = new(1, HighestNs, SignificantDigits);
        long count = 0;
        double sum = 0;
        double sumSquares = 0;
        double max = double.NegativeInfinity;
        foreach (double ms in valuesMs)
        {
            count++;
            sum += ms;
            sumSquares += ms * ms;
            max = Math.Max(max, ms);
            long ns = (long)Math.Round(ms * 1e6);
            histogram.RecordValue(Math.Clamp(ns, 1, HighestNs));
        }

        if (count == 0)
        {
            return Empty;
        }

        double mean = sum / count;
        double variance = Math.Max(0, sumSquares / count - mean * mean);
        double P(double percentile) => Math.Min(histogram.GetValueAtPercentile(percentile) / 1e6, max);
        return new LatencySummary(count, P(50), P(90), P(95), P(99), max, mean, Math.Sqrt(variance));
    }
}
