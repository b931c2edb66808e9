namespace Harness.Statistics;

/// <summary>Which way a metric improves.</summary>
internal enum MetricDirection
{
    /// <summary>Latencies: a decrease is an improvement.</summary>
    LowerIsBetter,

    /// <summary>Throughput, goodput: an increase is an improvement.</summary>
    HigherIsBetter,
}
