using Harness.Reports.Document;
using ScottPlot;

namespace Harness.Reports.Charts;

/// <summary>What every chart shares: the font, the palette, sizes, and writing PNG + SVG side by side.</summary>
internal static class ChartStyle
{
    /// <summary>Charts go in this subdirectory of the run directory.</summary>
    public const string Directory = "charts";

    public const int Width = 900;
    public const int Height = 500;

    // Category10: distinct at a glance and the colours readers know from matplotlib.
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    public static Color VariantColor(int index) => Palette.GetColor(index);

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        ChartFontStatus fonts = ChartFonts.EnsureRegistered();
        var plot = new Plot();
        if (fonts.Available)
        {
            // Set on the plot as well as Fonts.Default: some elements (legend, axis labels) cache a font name at
            // construction, and ScottPlot's automatic choice is the serif face on Debian.
            plot.Font.Set(ChartFonts.Family);
            plot.Legend.FontName = ChartFonts.Family;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Names under the bottom axis at the given positions (one per bar or group of bars).</summary>
    public static void CategoryTicks(Plot plot, double[] positions, string[] labels)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.Axes.Bottom.SetTicks(positions, labels);

        // Long or many names overlap when horizontal; tilt them and make room below the axis.
        if (labels.Length > 4 || labels.Any(l => l.Length > 14))
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 30 + (4 * Math.Min(40, labels.Max(l => l.Length)));
        }
    }

    /// <summary>A centred message for charts with nothing to plot, so an empty chart says why it is empty.</summary>
    public static void ShowMessage(Plot plot, string text)
    {
        var annotation = plot.Add.Annotation(text, Alignment.MiddleCenter);
        annotation.LabelFontSize = 16;
    }

    /// <summary>Writes <c>charts/NAME.png</c> and <c>charts/NAME.svg</c> under <paramref name="runDir"/>.</summary>
    public static ChartFile Save(Plot plot, string runDir, string name, string title, string caption, int width = Width, int height = Height)
    {
        string dir = Path.Combine(runDir, Directory);
        System.IO.Directory.CreateDirectory(dir);
        plot.SavePng(Path.Combine(dir, name + ".png"), width, height);
        plot.SaveSvg(Path.Combine(dir, name + ".svg"), width, height);
        return new ChartFile(title, $"{Directory}/{name}.png", $"{Directory}/{name}.svg", caption);
    }
}
