using Harness.Reports.Document;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>
/// One variant's requests as horizontal bars (earliest at the top): grey queue, orange prefill, blue decode; a failed
/// request's compute part is red and ends in a red cross, so failures cannot be mistaken for short requests.
/// </summary>
internal static class TimelineChart
{
    private static readonly Color QueueColor = Color.FromHex("#9E9E9E");
    private static readonly Color PrefillColor = Color.FromHex("#F28E2B");
    private static readonly Color DecodeColor = Color.FromHex("#4E79A7");
    private static readonly Color FailedColor = Color.FromHex("#D62728");

    public static Color ColorOf(TimelineSegmentKind kind) => kind switch
    {
        TimelineSegmentKind.Queue => QueueColor,
        TimelineSegmentKind.Prefill => PrefillColor,
        TimelineSegmentKind.Decode => DecodeColor,
        _ => FailedColor,
    };

    public static int HeightFor(int rows) => Math.Max(360, 170 + (14 * rows));

    public static ChartFile Write(string runDir, string name, TimelineData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        string title = $"Request timeline: {data.Variant}";
        Plot plot = ChartStyle.NewPlot(title, "time since first shown request was scheduled (ms)", "request (by scheduled time)");
        int n = data.Bars.Count;

        // Row 0 (the earliest request) is drawn at the top.
        double Y(int row) => n - 1 - row;
        var bars = new List<Bar>();
        foreach (TimelineBar bar in data.Bars)
        {
            foreach (TimelineSegment s in bar.Segments)
            {
                bars.Add(new Bar
                {
                    Position = Y(bar.Row),
                    ValueBase = s.StartMs,
                    Value = s.EndMs,
                    FillColor = ColorOf(s.Kind),
                    LineWidth = 0,
                    Size = 0.75,
                });
            }
        }

        if (n == 0)
        {
            ChartStyle.ShowMessage(plot, "no measured requests");
        }
        else
        {
            var barPlot = plot.Add.Bars(bars);
            barPlot.Horizontal = true;
            foreach (TimelineBar failed in data.Bars.Where(b => b.Failed))
            {
                plot.Add.Marker(failed.EndMs, Y(failed.Row), MarkerShape.Eks, 10, FailedColor);
            }

            int step = n <= 15 ? 1 : n <= 30 ? 2 : 5;
            double[] positions = [.. Enumerable.Range(0, n).Where(r => r % step == 0).Select(r => Y(r))];
            string[] labels = [.. Enumerable.Range(0, n).Where(r => r % step == 0).Select(r => $"#{r + 1}")];
            plot.Axes.Left.SetTicks(positions, labels);
            double end = data.Bars.Max(b => b.EndMs);
            plot.Axes.SetLimits(0, end > 0 ? end * 1.04 : 1, -0.7, n - 0.3);

            foreach (TimelineSegmentKind kind in Enum.GetValues<TimelineSegmentKind>())
            {
                string label = kind switch
                {
                    TimelineSegmentKind.Queue => "queue (scheduled to compute start)",
                    TimelineSegmentKind.Prefill => "prefill (to first token)",
                    TimelineSegmentKind.Decode => "decode (to completion)",
                    _ => "failed request (x = end)",
                };
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = ColorOf(kind) });
            }

            plot.ShowLegend(Edge.Bottom);
        }

        string caption = data.Shown < data.TotalRequests
            ? $"First {data.Shown} of {data.TotalRequests} measured requests by scheduled time; warm-up requests not shown."
            : $"All {data.TotalRequests} measured requests; warm-up requests not shown.";
        if (data.FailedShown > 0)
        {
            caption += $" {data.FailedShown} failed request(s) shown in red.";
        }

        return ChartStyle.Save(plot, runDir, name, title, caption, ChartStyle.Width, HeightFor(n));
    }
}
