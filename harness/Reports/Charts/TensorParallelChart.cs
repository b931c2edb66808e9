using Harness.Engines;
using Harness.Metrics;
using Harness.Reports.Document;
using Harness.Results;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>
/// Where a decode step's time went on each rank of each tensor-parallel variant: one stacked bar per rank, compute at
/// the bottom, then communication, then idle, so a slow rank stands out by its compute and the others by their idle.
/// </summary>
internal static class TensorParallelChart
{
    public const string FileName = "tensor_parallel_decode";

    public const string Title = "Decode step time per rank";

    private static readonly Color ComputeColor = Color.FromHex("#4E79A7");
    private static readonly Color CommunicationColor = Color.FromHex("#F28E2B");
    private static readonly Color IdleColor = Color.FromHex("#BAB0AC");

    public static string PngPath => $"{ChartStyle.Directory}/{FileName}.png";

    /// <param name="variants">Per variant with a profile (in report order): its decode phase, null when no step was profiled.</param>
    public static ChartFile Write(string runDir, IReadOnlyList<(string Variant, TensorParallelPhaseSummary? Decode)> variants)
    {
        ArgumentNullException.ThrowIfNull(variants);
        Plot plot = ChartStyle.NewPlot(Title, "variant and rank", "mean time per decode step (ms)");
        var bars = new List<Bar>();
        var positions = new List<double>();
        var labels = new List<string>();
        double top = 0;
        double x = 0;
        foreach ((string variant, TensorParallelPhaseSummary? decode) in variants)
        {
            if (decode is null)
            {
                continue;
            }

            for (int r = 0; r < decode.Ranks.Count; r++)
            {
                RankPassTimes t = decode.Ranks[r];
                double compute = t.ComputeMs;
                double communication = compute + t.CommunicationMs;
                double idle = communication + t.IdleMs;
                bars.Add(Segment(x, 0, compute, ComputeColor));
                bars.Add(Segment(x, compute, communication, CommunicationColor));
                bars.Add(Segment(x, communication, idle, IdleColor));
                top = Math.Max(top, idle);
                positions.Add(x);
                labels.Add(decode.Ranks.Count == 1 ? variant : $"{variant} r{r}");
                x++;
            }

            // A gap between variants, so each variant's ranks read as one group.
            x += 0.6;
        }

        if (bars.Count == 0)
        {
            ChartStyle.ShowMessage(plot, "no decode step was profiled");
        }
        else
        {
            plot.Add.Bars(bars);
            ChartStyle.CategoryTicks(plot, [.. positions], [.. labels]);
            plot.Axes.SetLimits(-0.6, positions[^1] + 0.6, 0, top > 0 ? top * 1.15 : 1);
            plot.HideGrid();
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "compute", FillColor = ComputeColor });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "communication", FillColor = CommunicationColor });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "idle (waiting for other ranks)", FillColor = IdleColor });
            plot.ShowLegend(Edge.Bottom);
        }

        string caption = "Mean per decode step over the measured load runs (warm-up excluded): each rank's own compute, its communication (summing all-reduce partials, copying its logits out) and its idle time at collectives waiting for slower ranks. A rank's three parts add up to about the step's wall time.";
        string without = string.Join(", ", variants.Where(v => v.Decode is null).Select(v => v.Variant));
        if (without.Length > 0)
        {
            caption += $" No decode step profiled (not drawn): {without}.";
        }

        return ChartStyle.Save(plot, runDir, FileName, Title, caption);
    }

    private static Bar Segment(double position, double from, double to, Color color) => new()
    {
        Position = position,
        ValueBase = from,
        Value = to,
        FillColor = color,
        LineWidth = 0,
        Size = 0.8,
    };
}
