using System.Globalization;

namespace Harness.Engines.Options;

/// <summary>
/// The one parser for option values, shared by every engine: integers, fractions (<c>0.5</c> or <c>50%</c>), booleans,
/// sizes (<c>90MiB</c>: binary units KiB/MiB/GiB/TiB, decimal KB/MB/GB/TB, or bytes), durations (<c>250us</c>,
/// <c>50ms</c>, <c>2s</c>, <c>1.5m</c>, <c>1h</c>) and choices. Errors name the option and are one line.
/// </summary>
public static class OptionValueParser
{
    private static readonly (string Suffix, double Bytes)[] SizeUnits =
    [
        ("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10),
        ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("B", 1),
    ];

    private static readonly (string Suffix, double Seconds)[] DurationUnits =
    [
        ("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ];

    /// <summary>Parses <paramref name="text"/> as <paramref name="option"/>'s type and checks its bounds.</summary>
    /// <returns>int, double, bool, long (bytes), TimeSpan, or the choice's canonical name, or the text itself.</returns>
    /// <exception cref="EngineException">The value does not parse or is out of bounds.</exception>
    public static object Parse(EngineOption option, string text)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        return option.Type switch
        {
            OptionType.Text => t,
            OptionType.Integer => Bounded(option, Integer(option.Name, t), t),
            OptionType.Fraction => Bounded(option, Fraction(option.Name, t), t),
            OptionType.Boolean => Boolean(option.Name, t),
            OptionType.Size => Bounded(option, Size(option.Name, t), t),
            OptionType.Duration => Duration(option, t),
            OptionType.Choice => Choice(option.Name, t, option.Choices),
            _ => throw new ArgumentOutOfRangeException(nameof(option), option.Type, "unknown option type"),
        };
    }

    public static int Integer(string name, string text) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new EngineException($"option '{name}' must be a whole number, not '{text}'");

    public static double Fraction(string name, string text)
    {
        string t = text.Trim();
        bool percent = t.EndsWith('%');
        return double.TryParse(percent ? t[..^1] : t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? percent ? v / 100 : v
            : throw new EngineException($"option '{name}' must be a number (0.5 or 50%), not '{text}'");
    }

    public static bool Boolean(string name, string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "on" or "yes" or "1" => true,
        "false" or "off" or "no" or "0" => false,
        _ => throw new EngineException($"option '{name}' must be true or false (on/off, yes/no, 1/0), not '{text}'"),
    };

    /// <summary>Bytes from a number and an optional unit; the result must be a whole number of bytes.</summary>
    public static long Size(string name, string text)
    {
        string t = text.Trim();
        double unit = 1;
        foreach ((string suffix, double bytes) in SizeUnits)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                unit = bytes;
                t = t[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v))
        {
            double total = v * unit;
            if (total < long.MaxValue && Math.Abs(total - Math.Round(total)) < 1e-6)
            {
                return (long)Math.Round(total);
            }
        }

        throw new EngineException($"option '{name}' must be a size such as 4096, 512KiB, 90MiB or 1.5GB, not '{text}'");
    }

    /// <summary>A non-negative time span; a bare number is in <paramref name="bareUnit"/> (ms or s).</summary>
    public static TimeSpan Duration(string name, string text, string bareUnit = "ms")
    {
        string t = text.Trim();
        double scale = bareUnit == "s" ? 1 : 1e-3;
        foreach ((string suffix, double seconds) in DurationUnits)
        {
            // "ms" ends with "s" too: the list is ordered so the longer suffix is tried first where it matters.
            if (t.EndsWith(suffix, StringComparison.Ordinal) && t.Length > suffix.Length && (char.IsDigit(t[^(suffix.Length + 1)]) || t[^(suffix.Length + 1)] is ' ' or '.'))
            {
                scale = seconds;
                t = t[..^suffix.Length].TrimEnd();
                break;
            }
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v) && v * scale < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(v * scale)
            : throw new EngineException($"option '{name}' must be a duration such as 50ms, 2s or 1.5m (a bare number is in {bareUnit}), not '{text}'");
    }

    /// <returns>The canonical spelling from <paramref name="choices"/>.</returns>
    public static string Choice(string name, string text, IReadOnlyList<string> choices)
    {
        string t = text.Trim();
        return choices.FirstOrDefault(c => c.Equals(t, StringComparison.OrdinalIgnoreCase))
            ?? throw new EngineException($"option '{name}': '{text}' is not one of {string.Join(", ", choices)}");
    }

    private static object Bounded(EngineOption option, double value, string text) =>
        (option.Min is double min && value < min) || (option.Max is double max && value > max)
            ? throw new EngineException($"option '{option.Name}' must be {option.RangeText}, not '{text}'")
            : option.Type switch
            {
                // Boxed per arm: a switch over int, long and double would widen them all to double.
                OptionType.Integer => (object)(int)value,
                OptionType.Size => (object)(long)value,
                _ => (object)value,
            };

    private static TimeSpan Duration(EngineOption option, string text)
    {
        TimeSpan span = Duration(option.Name, text, option.Unit);
        double inUnit = option.Unit == "s" ? span.TotalSeconds : span.TotalMilliseconds;
        _ = Bounded(option with { Type = OptionType.Fraction }, inUnit, text);
        return span;
    }
}
