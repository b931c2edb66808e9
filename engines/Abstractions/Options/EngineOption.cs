using System.Globalization;

namespace Harness.Engines.Options;

/// <summary>
/// One option an engine accepts: its name as scenarios and <c>--set</c> spell it, its type, its default and what it
/// does. An engine's options together form its <see cref="OptionSchema"/>, which parses, checks and documents them.
/// </summary>
/// <param name="Name">snake_case, as written in scenario files (<c>max_batch</c>).</param>
/// <param name="Type">How the value is parsed.</param>
/// <param name="Default">The value when the option is not set, as text; null when unset means "none" (the engine decides).</param>
/// <param name="Help">One line for <c>list</c>.</param>
public sealed record EngineOption(string Name, OptionType Type, string? Default, string Help)
{
    /// <summary>The allowed names of a <see cref="OptionType.Choice"/>, canonical spelling first.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Smallest allowed value of an integer, fraction, size (bytes) or duration (in <see cref="Unit"/>).</summary>
    public double? Min { get; init; }

    /// <summary>Largest allowed value, as <see cref="Min"/>.</summary>
    public double? Max { get; init; }

    /// <summary>Other names accepted for this option (<c>tensor_parallel</c> for <c>tp</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>For durations, the unit of a bare number: <c>ms</c> or <c>s</c>.</summary>
    public string Unit { get; init; } = "ms";

    public static EngineOption Choice(string name, string defaultValue, string help, IReadOnlyList<string> choices) =>
        new(name, OptionType.Choice, defaultValue, help) { Choices = choices };

    public static EngineOption Integer(string name, int defaultValue, string help, int min = int.MinValue, int max = int.MaxValue) =>
        new(name, OptionType.Integer, defaultValue.ToString(CultureInfo.InvariantCulture), help) { Min = min, Max = max };

    public static EngineOption Boolean(string name, bool defaultValue, string help) =>
        new(name, OptionType.Boolean, defaultValue ? "true" : "false", help);

    /// <summary>How <c>list</c> shows the type: <c>choice (fp32|bf16)</c>, <c>integer >= 1</c>, <c>size</c>.</summary>
    public string TypeText => Type switch
    {
        OptionType.Choice => $"choice ({string.Join('|', Choices)})",
        OptionType.Integer or OptionType.Fraction => Type.ToString().ToLowerInvariant() + Bounds(),
        OptionType.Duration => $"duration (bare number: {Unit})" + Bounds(),
        _ => Type.ToString().ToLowerInvariant(),
    };

    /// <summary>The allowed range in words (<c>>= 1</c>, <c>1..64</c>), or empty when unbounded.</summary>
    public string RangeText => Bounds().Trim();

    private string Bounds()
    {
        static bool Real(double? v) => v is double d && Math.Abs(d) < int.MaxValue;
        string Number(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        return (Real(Min), Real(Max)) switch
        {
            (true, true) => $" {Number(Min!.Value)}..{Number(Max!.Value)}",
            (true, false) => $" >= {Number(Min!.Value)}",
            (false, true) => $" <= {Number(Max!.Value)}",
            _ => string.Empty,
        };
    }
}
