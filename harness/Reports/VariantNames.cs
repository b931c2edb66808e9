namespace Harness.Reports;

/// <summary>Sweep points are named "BASE@POINT" (e.g. "fp32-fused@1.25rps"); reports group them by base.</summary>
internal static class VariantNames
{
    public static string BaseName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int at = name.LastIndexOf('@');
        return at > 0 ? name[..at] : name;
    }

    /// <summary>The part after '@', or null for a variant that is not a sweep point.</summary>
    public static string? PointLabel(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int at = name.LastIndexOf('@');
        return at > 0 && at < name.Length - 1 ? name[(at + 1)..] : null;
    }

    /// <summary>A file-name-safe form of a variant name (lower case, [a-z0-9._-] only).</summary>
    public static string Slug(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        char[] chars = [.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')];
        string slug = new string(chars).Trim('.');
        return slug.Length == 0 ? "variant" : slug;
    }
}
