using Harness.Reports.Document;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>Empirical CDF of one latency metric, one line per variant.</summary>
internal static class CdfChart
{
    /// <summary>
    /// The empirical CDF as a staircase: for each sorted value v_i the points (v_i, i/n) and (v_i, (i+1)/n), so
    /// straight segments between them draw the exact step function and a single sample is a visible vertical step.
    /// </summary>
    public static (double[] Xs, double[] Ys) StepPoints(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Where(double.IsFinite).Order()];
        int n = sorted.Length;
        double[] xs = new double[2 * n];
        double[] ys = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            xs[2 * i] = sorted[i];
            ys[2 * i] = (double)i / n;
            xs[(2 * i) + 1] = sorted[i];
            ys[(2 * i) + 1] = (double)(i + 1) / n;
        }

        return (xs, ys);
    }

    /// <param name="series">Per variant (in report order): its name, colour index and samples in ms.</param>
    public static ChartFile Write(string runDir, string name, string title, string xLabel, string caption, IReadOnlyList<(string Variant, int ColorIndex, IReadOnlyList<double> ValuesMs)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        Plot plot = ChartStyle.NewPlot(title, xLabel, "fraction of requests");
        bool any = false;
        foreach ((string variant, int colorIndex, IReadOnlyList<double> values) in series)
        {
            (double[] xs, double[] ys) = StepPoints(values);
            if (xs.Length == 0)
            {
                continue;
            }

            any = true;
            var line = plot.Add.Scatter(xs, ys, ChartStyle.VariantColor(colorIndex));
            line.LegendText = $"{variant} (n={xs.Length / 2})";
            line.LineWidth = 2;
            line.MarkerSize = 0;
        }

        if (any)
        {
            var p99 = plot.Add.HorizontalLine(0.99);
            p99.LinePattern = LinePattern.Dotted;
            p99.Color = Colors.Gray;
            p99.LineWidth = 1;
            p99.LegendText = "p99";
            plot.Axes.SetLimitsY(0, 1.02);
            plot.ShowLegend(Alignment.LowerRight);
        }
        else
        {
            ChartStyle.ShowMessage(plot, "no completed requests with this metric");
        }

        string missing = string.Join(", ", series.Where(s => !s.ValuesMs.Any(double.IsFinite)).Select(s => s.Variant));
        string fullCaption = missing.Length == 0 ? caption : $"{caption} No samples (not drawn): {missing}.";
        return ChartStyle.Save(plot, runDir, name, title, fullCaption);
    }
}
