namespace Harness.Engines.Options;

/// <summary>The type of an engine option's value, which decides how its text is parsed and shown.</summary>
public enum OptionType
{
    /// <summary>Free text, taken as written (a prune spec, a URL).</summary>
    Text,

    /// <summary>A whole number, optionally bounded.</summary>
    Integer,

    /// <summary>A real number, optionally bounded; <c>50%</c> reads as 0.5.</summary>
    Fraction,

    /// <summary>true/false, on/off, yes/no or 1/0.</summary>
    Boolean,

    /// <summary>Bytes, with an optional unit: <c>90MiB</c>, <c>1.5GB</c>, <c>4096</c>.</summary>
    Size,

    /// <summary>A time span with a unit (<c>50ms</c>, <c>2s</c>); a bare number is in the option's <see cref="EngineOption.Unit"/>.</summary>
    Duration,

    /// <summary>One of a fixed list of names, matched without regard to case.</summary>
    Choice,
}
