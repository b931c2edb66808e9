namespace Harness.Comparison;

/// <summary>What <c>compare</c> reports by default: the percentiles peers quote and the rates a capacity plan needs.</summary>
internal static class ComparedMetrics
{
    public static IReadOnlyList<ComparedMetric> Defaults(bool withSlo)
    {
        List<ComparedMetric> metrics =
        [
            ComparedMetric.Latency("ttft_ms", 0.50),
            ComparedMetric.Latency("ttft_ms", 0.90),
            ComparedMetric.Latency("ttft_ms", 0.99),
            ComparedMetric.Latency("tpot_ms", 0.50),
            ComparedMetric.Latency("tpot_ms", 0.99),
            ComparedMetric.Latency("itl_ms", 0.99),
            ComparedMetric.Latency("e2e_ms", 0.50),
            ComparedMetric.Latency("e2e_ms", 0.99),
            ComparedMetric.Rate("output_tokens_per_s"),
            ComparedMetric.Rate("requests_per_s"),
        ];
        if (withSlo)
        {
            metrics.Add(ComparedMetric.Rate("goodput_requests_per_s"));
        }

        return metrics;
    }
}
