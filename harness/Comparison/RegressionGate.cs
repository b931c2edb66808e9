using System.Globalization;
using Harness.Metrics;
using Harness.Statistics;

namespace Harness.Comparison;

/// <summary>
/// CI regression gates written as <c>METRIC:PCT</c>: <c>ttft_ms.p99:5</c> fails when p99 TTFT is significantly worse
/// (bootstrap interval entirely on the worse side of 0) and its point estimate is more than 5 % worse;
/// <c>output_tokens_per_s:3</c> does the same for a throughput drop of more than 3 %.
/// </summary>
internal static class RegressionGate
{
    /// <exception cref="HarnessInputException">The spec is malformed; the message quotes it and shows the expected form.</exception>
    public static GateSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string text = spec.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw Bad(spec, "expected METRIC:PCT");
        }

        string metricPart = text[..colon].Trim();
        string pctPart = text[(colon + 1)..].Trim().TrimEnd('%');
        if (!double.TryParse(pctPart, NumberStyles.Float, CultureInfo.InvariantCulture, out double pct) || !double.IsFinite(pct) || pct < 0)
        {
            throw Bad(spec, $"'{pctPart}' is not a non-negative percentage");
        }

        int dot = metricPart.IndexOf('.', StringComparison.Ordinal);
        string metric = dot < 0 ? metricPart : metricPart[..dot];
        string? stat = dot < 0 ? null : metricPart[(dot + 1)..];
        MetricDefinition definition = MetricDefinitions.Find(metric)
            ?? throw Bad(spec, $"unknown metric '{metric}' (latencies: {Keys(MetricDefinitions.Latencies)}; rates: {Keys(MetricDefinitions.Rates)})");
        if (!definition.IsLatency)
        {
            if (stat is not null)
            {
                throw Bad(spec, $"'{metric}' is a rate and takes no statistic");
            }

            return new GateSpec(text, metric, null, pct, definition.Direction);
        }

        if (stat is null)
        {
            throw Bad(spec, $"latency metric '{metric}' needs a statistic, e.g. {metric}.p99 or {metric}.mean");
        }

        return new GateSpec(text, metric, ParseStatistic(spec, stat), pct, definition.Direction);
    }

    /// <summary>Fails on a significant worsening (verdict Worse) whose point estimate exceeds the threshold.</summary>
    public static GateDecision Decide(GateSpec gate, BootstrapResult comparison)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(comparison);
        double worsePercent = 100 * (gate.Direction == MetricDirection.LowerIsBetter ? comparison.RelativeChange : -comparison.RelativeChange);
        bool failed = comparison.Verdict == ChangeVerdict.Worse && worsePercent > gate.MaxWorsePercent;
        string change = string.Create(
            CultureInfo.InvariantCulture,
            $"{comparison.RelativeChange * 100:+0.00;-0.00}% (CI {comparison.CiLow * 100:+0.00;-0.00}% .. {comparison.CiHigh * 100:+0.00;-0.00}%)");
        string reason = failed
            ? string.Create(CultureInfo.InvariantCulture, $"{gate.Spec}: significant regression {change} exceeds {gate.MaxWorsePercent}%")
            : comparison.Verdict == ChangeVerdict.Worse
                ? string.Create(CultureInfo.InvariantCulture, $"{gate.Spec}: significant but within {gate.MaxWorsePercent}%: {change}")
                : $"{gate.Spec}: {comparison.Verdict}: {change}";
        return new GateDecision(gate, comparison, failed, reason);
    }

    /// <summary>Runs the bootstrap on per-request values of a latency gate and decides.</summary>
    public static GateDecision Evaluate(GateSpec gate, double[] baseline, double[] candidate, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(gate);
        BootstrapStatistic statistic = gate.Statistic
            ?? throw new HarnessInputException($"{gate.Spec}: a rate metric is compared with Bootstrap.CompareRatio, not per-request values");
        return Decide(gate, Bootstrap.Compare(baseline, candidate, statistic, gate.Direction, options));
    }

    private static BootstrapStatistic ParseStatistic(string spec, string stat)
    {
        if (stat.Equals("mean", StringComparison.OrdinalIgnoreCase))
        {
            return BootstrapStatistic.Mean;
        }

        if (stat.Equals("median", StringComparison.OrdinalIgnoreCase))
        {
            return BootstrapStatistic.AtPercentile(0.5);
        }

        if (stat.Length > 1 && (stat[0] == 'p' || stat[0] == 'P')
            && double.TryParse(stat.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p > 0 && p <= 100)
        {
            return BootstrapStatistic.AtPercentile(p / 100);
        }

        throw Bad(spec, $"unknown statistic '{stat}' (mean, median or pNN such as p50, p99, p99.9)");
    }

    private static string Keys(IEnumerable<MetricDefinition> definitions) => string.Join(", ", definitions.Select(d => d.Key));

    private static HarnessInputException Bad(string spec, string why) =>
        new($"bad regression gate '{spec}': {why}; expected METRIC:PCT such as ttft_ms.p99:5 or output_tokens_per_s:3");
}
