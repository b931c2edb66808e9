using Harness.Reports.Document;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>
/// One variant's requests as horizontal bars (earliest at the top): grey queue, orange prefill, blue decode; a failed
/// request's compute part is red and ends in a red cross, so failures cannot be mistaken for short requests. With
/// engine events the phases are the engine's: a preemption is a red tick followed by a pink wait until the purple
/// recompute, so a preempted request visibly pauses.
/// </summary>
internal static class TimelineChart
{
    private static readonly Color QueueColor = Color.FromHex("#9E9E9E");
    private static readonly Color PrefillColor = Color.FromHex("#F28E2B");
    private static readonly Color DecodeColor = Color.FromHex("#4E79A7");
    private static readonly Color FailedColor = Color.FromHex("#D62728");
    private static readonly Color RecomputeColor = Color.FromHex("#B07AA1");
    private static readonly Color PreemptedColor = Color.FromHex("#FF9DA7");

    /// <summary>The tick at each preemption: the failure red, because both mean work the request lost.</summary>
    public static Color PreemptionMarkColor => FailedColor;

    public static Color ColorOf(TimelineSegmentKind kind) => kind switch
    {
        TimelineSegmentKind.Queue => QueueColor,
        TimelineSegmentKind.Prefill => PrefillColor,
        TimelineSegmentKind.Decode => DecodeColor,
        TimelineSegmentKind.Recompute => RecomputeColor,
        TimelineSegmentKind.Preempted => PreemptedColor,
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

            foreach (TimelineBar preempted in data.Bars.Where(b => b.PreemptedAtMs.Count > 0))
            {
                foreach (double at in preempted.PreemptedAtMs)
                {
                    var tick = plot.Add.Marker(at, Y(preempted.Row), MarkerShape.VerticalBar, 14, PreemptionMarkColor);
                    tick.MarkerLineWidth = 3;
                }
            }

            foreach (TimelineSegmentKind kind in LegendKinds(data))
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = LegendLabel(kind, data.FromEngine), FillColor = ColorOf(kind) });
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

        if (data.FromEngine)
        {
            caption += " Prefill, recompute and decode are the engine's own spans (engine_events.csv); gaps are time the engine spent on other requests.";
        }

        if (data.PreemptionsShown > 0)
        {
            caption += $" {data.PreemptionsShown} preemption(s): a red tick, then a pink wait until the request is recomputed.";
        }

        return ChartStyle.Save(plot, runDir, name, title, caption, ChartStyle.Width, HeightFor(n));
    }

    /// <summary>Client-only charts keep their four phases; engine charts add recompute and preemption where they occur.</summary>
    private static IEnumerable<TimelineSegmentKind> LegendKinds(TimelineData data)
    {
        TimelineSegmentKind[] always = [TimelineSegmentKind.Queue, TimelineSegmentKind.Prefill, TimelineSegmentKind.Decode, TimelineSegmentKind.Failed];
        return always.Concat(new[] { TimelineSegmentKind.Recompute, TimelineSegmentKind.Preempted }
            .Where(k => data.Bars.Any(b => b.Segments.Any(s => s.Kind == k))));
    }

    private static string LegendLabel(TimelineSegmentKind kind, bool fromEngine) => (kind, fromEngine) switch
    {
        (TimelineSegmentKind.Queue, false) => "queue (scheduled to compute start)",
        (TimelineSegmentKind.Queue, true) => "queue (scheduled to first engine work)",
        (TimelineSegmentKind.Prefill, false) => "prefill (to first token)",
        (TimelineSegmentKind.Prefill, true) => "prefill (engine)",
        (TimelineSegmentKind.Decode, false) => "decode (to completion)",
        (TimelineSegmentKind.Decode, true) => "decode steps (engine)",
        (TimelineSegmentKind.Recompute, _) => "recompute after preemption",
        (TimelineSegmentKind.Preempted, _) => "preempted (red tick), waiting",
        _ => "failed request (x = end)",
    };
}
