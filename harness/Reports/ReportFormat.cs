using System.Globalization;
using Harness.Metrics;
using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// How numbers appear in reports: invariant culture, fixed decimals, and "n/a" wherever a figure does not exist
/// (a summary over zero requests, NaN, no SLO), so an empty variant never prints as a real-looking 0.
/// </summary>
internal static class ReportFormat
{
    public const string NotAvailable = "n/a";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Milliseconds with two decimals.</summary>
    public static string Ms(double value) => double.IsFinite(value) ? value.ToString("F2", Invariant) : NotAvailable;

    /// <summary>One percentile of a summary; n/a when the summary covers no sample.</summary>
    public static string Ms(LatencySummary summary, Func<LatencySummary, double> select)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(select);
        return summary.Count > 0 ? Ms(select(summary)) : NotAvailable;
    }

    public static string Ms(double? value) => value is double v ? Ms(v) : NotAvailable;

    /// <summary>Milliseconds with three decimals, for parts of a step (communication can take microseconds).</summary>
    public static string FineMs(double? value) => value is double v && double.IsFinite(v) ? v.ToString("F3", Invariant) : NotAvailable;

    /// <summary>Rates (tokens/s, requests/s) with two decimals.</summary>
    public static string Rate(double? value) => value is double v && double.IsFinite(v) ? v.ToString("F2", Invariant) : NotAvailable;

    /// <summary>A mean of counts (e.g. sequences per decode pass) with two decimals.</summary>
    public static string Average(double? value) => value is double v && double.IsFinite(v) ? v.ToString("F2", Invariant) : NotAvailable;

    public static string Percent(double? fraction) =>
        fraction is double f && double.IsFinite(f) ? (f * 100).ToString("F1", Invariant) + " %" : NotAvailable;

    /// <summary>Bytes as MiB with one decimal; 0 means the engine did not report it.</summary>
    public static string MiB(long bytes) => bytes > 0 ? (bytes / 1048576.0).ToString("F1", Invariant) : NotAvailable;

    /// <summary>Bytes as KiB with one decimal; unlike <see cref="MiB"/>, 0 is a real figure (nothing was sent).</summary>
    public static string KiB(double? bytes) => bytes is double b && double.IsFinite(b) ? (b / 1024).ToString("F1", Invariant) : NotAvailable;

    public static string GiB(long bytes) => bytes > 0 ? (bytes / 1073741824.0).ToString("F1", Invariant) + " GiB" : NotAvailable;

    public static string Seconds(double value) => double.IsFinite(value) ? value.ToString("F2", Invariant) + " s" : NotAvailable;

    public static string Integer(long value) => value.ToString(Invariant);

    /// <summary>A ratio such as a speedup, with two decimals and an "x".</summary>
    public static string Ratio(double? value) => value is double v && double.IsFinite(v) ? v.ToString("F2", Invariant) + "x" : NotAvailable;

    public static string Slo(Slo? slo)
    {
        if (slo is null || slo.IsEmpty)
        {
            return "none";
        }

        var parts = new List<string>(3);
        if (slo.TtftMs is double ttft)
        {
            parts.Add($"TTFT <= {Number(ttft)} ms");
        }

        if (slo.TpotMs is double tpot)
        {
            parts.Add($"TPOT <= {Number(tpot)} ms");
        }

        if (slo.E2eMs is double e2e)
        {
            parts.Add($"E2E <= {Number(e2e)} ms");
        }

        return string.Join(", ", parts);
    }

    /// <summary>A value as typed in a scenario: no trailing zeros.</summary>
    public static string Number(double value) => value.ToString("0.###", Invariant);

    public static string Timestamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss zzz", Invariant);
}
