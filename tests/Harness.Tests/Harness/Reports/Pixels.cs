using SkiaSharp;

namespace Harness.Tests.Harness.Reports;

/// <summary>Pixel counts on a decoded PNG, to tell a drawn chart from a blank or textless one.</summary>
internal static class Pixels
{
    public static SKBitmap Load(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return SKBitmap.Decode(stream) ?? throw new InvalidDataException($"{path} is not a decodable image");
    }

    public static int Count(SKBitmap bmp, Func<SKColor, bool> match, SKRectI? region = null)
    {
        SKRectI r = region ?? new SKRectI(0, 0, bmp.Width, bmp.Height);
        int n = 0;
        for (int y = r.Top; y < r.Bottom; y++)
        {
            for (int x = r.Left; x < r.Right; x++)
            {
                if (match(bmp.GetPixel(x, y)))
                {
                    n++;
                }
            }
        }

        return n;
    }

    public static bool NonWhite(SKColor c) => c.Red < 245 || c.Green < 245 || c.Blue < 245;

    /// <summary>Text and axis lines are near black; nothing else in a chart is this dark.</summary>
    public static bool Dark(SKColor c) => c.Red < 90 && c.Green < 90 && c.Blue < 90;

    public static Func<SKColor, bool> Near(string hex, int tolerance = 12)
    {
        SKColor t = SKColor.Parse(hex);
        return c => Math.Abs(c.Red - t.Red) <= tolerance && Math.Abs(c.Green - t.Green) <= tolerance && Math.Abs(c.Blue - t.Blue) <= tolerance;
    }

    /// <summary>Colours (at 4 bits per channel) that cover at least <paramref name="minPixels"/> pixels: anti-aliasing noise does not count.</summary>
    public static int DistinctColors(SKBitmap bmp, int minPixels = 30)
    {
        var counts = new Dictionary<int, int>();
        for (int y = 0; y < bmp.Height; y++)
        {
            for (int x = 0; x < bmp.Width; x++)
            {
                SKColor c = bmp.GetPixel(x, y);
                int key = ((c.Red >> 4) << 8) | ((c.Green >> 4) << 4) | (c.Blue >> 4);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        return counts.Values.Count(v => v >= minPixels);
    }

    /// <summary>The band where ScottPlot draws the title: top rows, middle of the width.</summary>
    public static SKRectI TitleStrip(SKBitmap bmp) => new(bmp.Width / 5, 0, bmp.Width * 4 / 5, Math.Max(20, bmp.Height / 12));
}
