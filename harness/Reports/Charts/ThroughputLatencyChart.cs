using Harness.Reports.Document;
using Harness.Results;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>
/// Throughput against tail latency: for a load sweep, each base variant's points (one per offered load) are joined
/// in run order, which traces the curve where latency climbs as the engine saturates; without a sweep it is one
/// point per variant.
/// </summary>
internal static class ThroughputLatencyChart
{
    /// <summary>
    /// Groups variants by base name (in order of first appearance) and keeps the points whose two figures are both
    /// finite: a variant with no completed request has no throughput-latency point. A series' points are joined in
    /// order of throughput, so the line reads as the latency cost of going faster whatever order the points ran in.
    /// </summary>
    public static IReadOnlyList<ThroughputLatencySeries> Series(IReadOnlyList<VariantResult> variants, Func<VariantResult, double> x, Func<VariantResult, double> y)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var order = new List<string>();
        var points = new Dictionary<string, List<ThroughputLatencyPoint>>(StringComparer.Ordinal);
        foreach (VariantResult v in variants)
        {
            string baseName = VariantNames.BaseName(v.Name);
            if (!points.TryGetValue(baseName, out List<ThroughputLatencyPoint>? list))
            {
                list = [];
                points[baseName] = list;
                order.Add(baseName);
            }

            double px = x(v);
            double py = y(v);
            if (double.IsFinite(px) && double.IsFinite(py))
            {
                list.Add(new ThroughputLatencyPoint(v.Name, VariantNames.PointLabel(v.Name), px, py));
            }
        }

        return [.. order.Select((name, i) => new ThroughputLatencySeries(name, i, [.. points[name].OrderBy(p => p.X)]))];
    }

    public static ChartFile Write(string runDir, string name, string title, string xLabel, string yLabel, string caption, IReadOnlyList<ThroughputLatencySeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        Plot plot = ChartStyle.NewPlot(title, xLabel, yLabel);
        bool any = false;
        foreach (ThroughputLatencySeries s in series)
        {
            if (s.Points.Count == 0)
            {
                continue;
            }

            any = true;
            Color color = ChartStyle.VariantColor(s.ColorIndex);
            double[] xs = [.. s.Points.Select(p => p.X)];
            double[] ys = [.. s.Points.Select(p => p.Y)];
            var scatter = plot.Add.Scatter(xs, ys, color);
            scatter.LegendText = s.BaseName;
            scatter.MarkerSize = 9;
            scatter.LineWidth = s.Points.Count > 1 ? 2 : 0;
            foreach (ThroughputLatencyPoint p in s.Points.Where(p => p.Label is not null))
            {
                var text = plot.Add.Text(p.Label!, p.X, p.Y);
                text.LabelFontSize = 11;
                text.LabelFontColor = color;
                text.LabelAlignment = Alignment.LowerLeft;
                text.OffsetX = 6;
                text.OffsetY = -4;
            }
        }

        if (any)
        {
            // Both axes start at zero: the distance from the origin is the point of this chart, and a zoomed auto-scale
            // makes a 3 % difference look like a cliff. The legend sits outside so it can never cover a point.
            double maxX = series.SelectMany(s => s.Points).Max(p => p.X);
            double maxY = series.SelectMany(s => s.Points).Max(p => p.Y);
            plot.Axes.SetLimits(0, maxX > 0 ? maxX * 1.2 : 1, 0, maxY > 0 ? maxY * 1.2 : 1);
            plot.ShowLegend(Edge.Right);
        }
        else
        {
            ChartStyle.ShowMessage(plot, "no variant completed a request");
        }

        return ChartStyle.Save(plot, runDir, name, title, caption);
    }
}
