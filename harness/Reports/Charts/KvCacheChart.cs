using Harness.Reports.Document;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>
/// KV cache over time, every variant with telemetry on one time axis (variants run one after another): used bytes
/// as a solid line, allocated bytes as a lighter, wider line under it (the gap between them is waste) and the
/// capacity dashed, all in the variant's colour.
/// </summary>
internal static class KvCacheChart
{
    public const string FileName = "kv_cache";

    public const string Title = "KV cache over time";

    public static string PngPath => $"{ChartStyle.Directory}/{FileName}.png";

    /// <param name="series">Per variant with telemetry (in report order): its series and colour index.</param>
    public static ChartFile Write(string runDir, IReadOnlyList<(KvCacheSeries Series, int ColorIndex)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        Plot plot = ChartStyle.NewPlot(Title, "time since the run's first scheduled request (s)", "KV cache (MiB)");
        double top = 0;
        foreach ((KvCacheSeries s, int colorIndex) in series)
        {
            if (s.Seconds.Count == 0)
            {
                continue;
            }

            Color color = ChartStyle.VariantColor(colorIndex);
            double[] xs = [.. s.Seconds];
            Line(plot, xs, s.AllocatedMiB, color.WithAlpha(0.4), 5, LinePattern.Solid, $"{s.Variant} allocated");
            Line(plot, xs, s.UsedMiB, color, 2, LinePattern.Solid, $"{s.Variant} used");
            Line(plot, xs, s.CapacityMiB, color, 1.5f, LinePattern.Dashed, $"{s.Variant} capacity");
            top = Math.Max(top, s.CapacityMiB.Concat(s.AllocatedMiB).Max());
        }

        if (top > 0)
        {
            // From zero: how full the cache is matters, and an auto-scaled axis would make a few KiB look like a cliff.
            double left = series.Where(s => s.Series.Seconds.Count > 0).Min(s => s.Series.Seconds[0]);
            double right = series.Where(s => s.Series.Seconds.Count > 0).Max(s => s.Series.Seconds[^1]);
            double pad = right > left ? (right - left) * 0.02 : 1;
            plot.Axes.SetLimits(Math.Max(0, left - pad), right + pad, 0, top * 1.1);
            plot.ShowLegend(Edge.Right);
        }
        else
        {
            ChartStyle.ShowMessage(plot, "the engine reported no KV cache use");
        }

        string without = string.Join(", ", series.Where(s => s.Series.Steps == 0).Select(s => s.Series.Variant));
        int bucketed = series.Count(s => s.Series.Seconds.Count < s.Series.Steps);
        string caption = "Sampled at the end of every engine step (engine_steps.csv), warm-up included; time on the requests.csv clock. Allocated minus used is memory set aside but holding no token.";
        if (bucketed > 0)
        {
            caption += $" Variants with more than {KvCacheSeries.DefaultMaxPoints} steps show each bucket of consecutive steps at its largest values.";
        }

        if (without.Length > 0)
        {
            caption += $" No steps reported (not drawn): {without}.";
        }

        return ChartStyle.Save(plot, runDir, FileName, Title, caption, ChartStyle.Width + 250, ChartStyle.Height);
    }

    private static void Line(Plot plot, double[] xs, IReadOnlyList<double> ys, Color color, float width, LinePattern pattern, string legend)
    {
        var line = plot.Add.Scatter(xs, [.. ys], color);
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.MarkerSize = 0;
        line.LegendText = legend;
    }
}
