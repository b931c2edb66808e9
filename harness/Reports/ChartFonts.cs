using ScottPlot;
using SkiaSharp;

namespace Harness.Reports;

/// <summary>
/// Registers DejaVu Sans (regular and bold) with ScottPlot once per process. ScottPlot 5.1.59 draws no text at all
/// when it cannot find a font, and its <c>Fonts.Sans</c> resolves to a serif face on Debian, so the family is set
/// explicitly (platform.md) rather than left to ScottPlot's detection.
/// </summary>
internal static class ChartFonts
{
    /// <summary>The family name charts use; registered under this name from the files found.</summary>
    public const string Family = "DejaVu Sans";

    public const string RegularFile = "DejaVuSans.ttf";
    public const string BoldFile = "DejaVuSans-Bold.ttf";

    /// <summary>
    /// The copy the project ships next to the binaries first (so a bare machine still renders text), then Debian's
    /// fonts-dejavu-core and where other distributions put the same files.
    /// </summary>
    public static IReadOnlyList<string> SearchDirectories { get; } =
    [
        Path.Combine(AppContext.BaseDirectory, "Fonts"),
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/dejavu",
        "/usr/share/fonts/TTF",
        "/usr/local/share/fonts",
    ];

    // Lazy with ExecutionAndPublication: ScottPlot's font list is a static mutable list, so registration must happen
    // exactly once even when several reports render at the same time.
    private static readonly Lazy<ChartFontStatus> Registration = new(() => Register(SearchDirectories), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers the fonts on first call; afterwards returns the same status.</summary>
    public static ChartFontStatus EnsureRegistered() => Registration.Value;

    /// <summary>The regular and bold files in the first directory that has both, or null.</summary>
    public static (string Regular, string Bold)? FindFontFiles(IEnumerable<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        foreach (string dir in directories)
        {
            string regular = Path.Combine(dir, RegularFile);
            string bold = Path.Combine(dir, BoldFile);
            if (File.Exists(regular) && File.Exists(bold))
            {
                return (regular, bold);
            }
        }

        return null;
    }

    private static ChartFontStatus Register(IEnumerable<string> directories)
    {
        if (FindFontFiles(directories) is not var (regular, bold))
        {
            return new ChartFontStatus(false, $"no {RegularFile} and {BoldFile} found in {string.Join(", ", SearchDirectories)} (install fonts-dejavu-core)");
        }

        try
        {
            Fonts.AddFontFile(Family, regular, bold: false, italic: false);
            Fonts.AddFontFile(Family, bold, bold: true, italic: false);
            Fonts.Default = Family;

            // A file can exist and still be unreadable or truncated: only a typeface that maps real glyphs counts.
            SKTypeface typeface = Fonts.GetTypeface(Family, bold: false, italic: false);
            bool usable = typeface.GlyphCount > 0 && typeface.ContainsGlyphs("Ag0.");
            return usable
                ? new ChartFontStatus(true, $"{Family} from {Path.GetDirectoryName(regular)}")
                : new ChartFontStatus(false, $"{regular} did not load as a font with glyphs");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The status is cached for the process: a bad font file must mean "charts without text, said so in the
            // report", never a report that cannot be written.
            return new ChartFontStatus(false, $"{regular} could not be loaded: {ex.Message}");
        }
    }
}
