using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios;

/// <summary>
/// Typed, position-aware reading of a YAML mapping: every error names the file, line and column and what was
/// expected, and keys nobody asked for are reported rather than silently ignored.
/// </summary>
internal sealed class YamlCursor
{
    private readonly YamlMappingNode node;
    private readonly string file;
    private readonly string path;
    private readonly HashSet<string> read = [];

    public YamlCursor(YamlMappingNode node, string file, string path)
    {
        this.node = node;
        this.file = file;
        this.path = path;
    }

    public bool Has(string key) => Find(key) is not null;

    /// <summary>True when the key holds a single (non-null) value rather than a mapping or list.</summary>
    public bool IsScalar(string key) => Find(key) is YamlScalarNode s && !IsNull(s);

    public string? String(string key) => Scalar(key)?.Value;

    public string RequiredString(string key) => String(key) ?? throw Missing(key, "a string");

    public double? Double(string key) => Parse(key, "a number", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

    public int? Int(string key) => Parse(key, "a whole number", s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    public long? Long(string key) => Parse(key, "a whole number", s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    public bool? Bool(string key) => Parse(key, "true or false", s => s.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => throw new FormatException(),
    });

    /// <summary>A nested mapping, or null when absent.</summary>
    public YamlCursor? Mapping(string key)
    {
        YamlNode? value = Find(key);
        if (value is null || IsNull(value))
        {
            return null;
        }

        return value is YamlMappingNode mapping
            ? new YamlCursor(mapping, file, Join(key))
            : throw Error(value, $"'{Join(key)}' must be a mapping");
    }

    /// <summary>A list of scalars; a single scalar counts as a one-element list.</summary>
    public IReadOnlyList<string>? Strings(string key)
    {
        YamlNode? value = Find(key);
        return value switch
        {
            null => null,
            YamlScalarNode s when IsNull(s) => null,
            YamlScalarNode s => [s.Value ?? ""],
            YamlSequenceNode seq => [.. seq.Children.Select(c => c is YamlScalarNode s ? s.Value ?? "" : throw Error(c, $"'{Join(key)}' must be a list of values"))],
            _ => throw Error(value, $"'{Join(key)}' must be a value or a list of values"),
        };
    }

    /// <summary>Every key of this mapping with its scalar value (for free-form option maps).</summary>
    public IReadOnlyDictionary<string, string> ScalarMap()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((YamlNode k, YamlNode v) in node.Children)
        {
            string key = ((YamlScalarNode)k).Value ?? "";
            read.Add(key);
            map[key] = v is YamlScalarNode s ? s.Value ?? "" : throw Error(v, $"'{Join(key)}' must be a single value");
        }

        return map;
    }

    /// <summary>Keys of this mapping in file order, each with a cursor when its value is a mapping.</summary>
    public IEnumerable<string> Keys => node.Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? "");

    /// <summary>The key's dotted path from the document root, for messages (e.g. "accuracy.fidelity.length").</summary>
    public string PathOf(string key) => Join(key);

    public HarnessInputException Error(string key, string message) =>
        Find(key) is { } value ? Error(value, message) : Error(node, message);

    public HarnessInputException Error(YamlNode at, string message) => new(Locate(at.Start) + message);

    /// <summary>Fails on the first key that was never read: a typo must not be silently ignored.</summary>
    public void RejectUnknownKeys(params string[] allowed)
    {
        foreach ((YamlNode k, _) in node.Children)
        {
            string key = ((YamlScalarNode)k).Value ?? "";
            if (!read.Contains(key) && !allowed.Contains(key))
            {
                throw Error(k, $"unknown key '{Join(key)}' (expected one of: {string.Join(", ", allowed.Concat(read).Distinct().Order())})");
            }
        }
    }

    private T? Parse<T>(string key, string expected, Func<string, T> parse)
        where T : struct
    {
        YamlScalarNode? scalar = Scalar(key);
        if (scalar?.Value is null)
        {
            return null;
        }

        try
        {
            return parse(scalar.Value);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw Error(scalar, $"'{Join(key)}' must be {expected}, not '{scalar.Value}'");
        }
    }

    private YamlScalarNode? Scalar(string key)
    {
        YamlNode? value = Find(key);
        return value switch
        {
            null => null,
            YamlScalarNode s => IsNull(s) ? null : s,
            _ => throw Error(value, $"'{Join(key)}' must be a single value"),
        };
    }

    private YamlNode? Find(string key)
    {
        read.Add(key);
        return node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;
    }

    private HarnessInputException Missing(string key, string expected) => Error(node, $"'{Join(key)}' is required ({expected})");

    private static bool IsNull(YamlNode n) => n is YamlScalarNode { Style: not ScalarStyle.SingleQuoted and not ScalarStyle.DoubleQuoted } s
        && (s.Value is null or "" or "~" or "null");

    private string Join(string key) => path.Length == 0 ? key : $"{path}.{key}";

    private string Locate(Mark mark) => $"{file}:{mark.Line}:{mark.Column}: ";
}
