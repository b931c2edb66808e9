using System.Text.Json;
using Harness.Comparison;
using Harness.Metrics;
using Harness.Results;
using Harness.Statistics;

namespace Harness.Tests.Harness.Metrics;

/// <summary>
/// The registry is the only place a metric key is spelled, so a metric added there must show up everywhere that reads
/// it: as a field of every variant's metrics in result.json, as something a gate can name and compare can resample.
/// </summary>
public sealed class MetricDefinitionsTests
{
    private static readonly Slo Slo = new(TtftMs: 100);

    private static readonly RequestRecord[] Requests =
    [
        Records.Make(0, [20, 30, 45], computeStartMs: 5),
        Records.Make(10, [150, 160], computeStartMs: 40),
    ];

    [Fact]
    public void EveryMetricIsAFieldOfAVariantsMetrics()
    {
        JsonElement metrics = JsonSerializer.SerializeToElement(VariantSummary.Compute("v", Requests, Slo), ResultJson.Options);

        Assert.All(MetricDefinitions.All, d => Assert.True(metrics.TryGetProperty(d.Key, out _), $"{d.Key} is not written"));
    }

    [Fact]
    public void EveryMetricCanBeGatedAndResampled()
    {
        VariantSamples samples = VariantSamples.From("v", Requests, Slo);

        foreach (MetricDefinition d in MetricDefinitions.All)
        {
            GateSpec gate = RegressionGate.Parse(d.IsLatency ? $"{d.Key}.p99:5" : $"{d.Key}:5");
            Assert.Equal((d.Key, d.Direction), (gate.Metric, gate.Direction));
            if (!d.IsLatency)
            {
                Assert.Equal(Requests.Length, samples.Rate(d.Key).Numerator.Length);
            }
            else if (d.Key != MetricDefinitions.ItlMs)
            {
                // Inter-token gaps are resampled request by request, not as one value per request.
                Assert.NotEmpty(samples.Latency(d.Key));
            }
        }
    }

    [Fact]
    public void LatenciesImproveDownwardsAndRatesUpwards()
    {
        Assert.Equal(
            [MetricDefinitions.TtftMs, MetricDefinitions.TpotMs, MetricDefinitions.TpotInclFirstMs, MetricDefinitions.ItlMs, MetricDefinitions.E2eMs, MetricDefinitions.QueueWaitMs],
            MetricDefinitions.Latencies.Select(d => d.Key));
        Assert.All(MetricDefinitions.Latencies, d => Assert.Equal(MetricDirection.LowerIsBetter, d.Direction));
        Assert.All(MetricDefinitions.Rates, d => Assert.Equal(MetricDirection.HigherIsBetter, d.Direction));
    }
}
