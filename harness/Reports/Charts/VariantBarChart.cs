using System.Globalization;
using Harness.Reports.Document;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>One bar per variant for one figure (throughput, p99 latency, goodput); missing figures say "n/a".</summary>
internal static class VariantBarChart
{
    /// <param name="values">Per variant: name, colour index and value (null or NaN when there is none).</param>
    public static ChartFile Write(string runDir, string name, string title, string yLabel, string caption, IReadOnlyList<(string Variant, int ColorIndex, double? Value)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Plot plot = ChartStyle.NewPlot(title, "variant", yLabel);
        var bars = new List<Bar>(values.Count);
        double max = 0;
        for (int i = 0; i < values.Count; i++)
        {
            (string _, int colorIndex, double? value) = values[i];
            bool has = value is double v && double.IsFinite(v);
            double height = has ? value!.Value : 0;
            max = Math.Max(max, height);
            bars.Add(new Bar
            {
                Position = i,
                Value = height,
                FillColor = ChartStyle.VariantColor(colorIndex),
                Label = has ? Format(height) : "n/a",
            });
        }

        if (bars.Count == 0)
        {
            ChartStyle.ShowMessage(plot, "no variants");
        }
        else
        {
            plot.Add.Bars(bars);
            ChartStyle.CategoryTicks(plot, [.. Enumerable.Range(0, values.Count).Select(i => (double)i)], [.. values.Select(v => v.Variant)]);

            // Bars grow from zero; the headroom keeps the value labels inside the plot.
            plot.Axes.SetLimits(-0.6, values.Count - 0.4, 0, max > 0 ? max * 1.15 : 1);
            plot.HideGrid();
        }

        return ChartStyle.Save(plot, runDir, name, title, caption);
    }

    private static string Format(double value) =>
        value.ToString(Math.Abs(value) >= 100 ? "F0" : Math.Abs(value) >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture);
}
