using Harness.Reports.Document;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>
/// What each variant gives up for its speed: one labelled point per variant at (decode speed, accuracy figure), with
/// the figure's 95 % interval as a vertical bar, so "faster but no measurable loss" and "faster and worse" can be told
/// apart at a glance.
/// </summary>
internal static class SpeedAccuracyChart
{
    /// <param name="yMin">The figure's smallest possible value (0 for KL and percentages), so the axis does not run past it.</param>
    /// <param name="yMax">Its largest possible value (100 for a percentage), or null when unbounded.</param>
    public static ChartFile Write(string runDir, string name, string title, string xLabel, string yLabel, string caption, IReadOnlyList<SpeedAccuracyPoint> points, double yMin = 0, double? yMax = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        Plot plot = ChartStyle.NewPlot(title, xLabel, yLabel);
        List<SpeedAccuracyPoint> shown = [.. points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))];
        if (shown.Count == 0)
        {
            ChartStyle.ShowMessage(plot, "no variant has both figures");
            return ChartStyle.Save(plot, runDir, name, title, caption);
        }

        foreach (SpeedAccuracyPoint p in shown)
        {
            Color color = ChartStyle.VariantColor(p.ColorIndex);
            var bar = new ScottPlot.Plottables.ErrorBar([p.X], [p.Y], null, null, [Math.Max(0, p.YHigh - p.Y)], [Math.Max(0, p.Y - p.YLow)])
            {
                Color = color,
                LineWidth = 2,
            };
            plot.Add.Plottable(bar);
            var marker = plot.Add.Scatter(new[] { p.X }, new[] { p.Y }, color);
            marker.MarkerSize = 10;
            marker.LineWidth = 0;
            var text = plot.Add.Text(p.Variant, p.X, p.Y);
            text.LabelFontSize = 12;
            text.LabelFontColor = color;

            // Beside the point rather than above it, so a point at the top of its range (100 %) keeps its label.
            text.LabelAlignment = Alignment.MiddleLeft;
            text.OffsetX = 9;
        }

        // Speed starts at zero (the distance from the origin is the point); accuracy is zoomed to the intervals, with
        // room for the labels, because the differences that matter are often a fraction of a percent.
        double maxX = shown.Max(p => p.X);
        double low = shown.Min(p => Math.Min(p.Y, double.IsFinite(p.YLow) ? p.YLow : p.Y));
        double high = shown.Max(p => Math.Max(p.Y, double.IsFinite(p.YHigh) ? p.YHigh : p.Y));
        double pad = high > low ? (high - low) * 0.2 : Math.Max(Math.Abs(high) * 0.1, 1e-3);
        double top = yMax is double m ? Math.Min(high + pad, m + pad / 4) : high + pad;
        plot.Axes.SetLimits(0, maxX > 0 ? maxX * 1.3 : 1, Math.Max(low - pad, yMin - pad / 4), top);
        return ChartStyle.Save(plot, runDir, name, title, caption);
    }
}
