using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// Builds a <see cref="DocCorpus"/> offline from the XML documentation files every .NET SDK ships
/// (<c>packs/Microsoft.NETCore.App.Ref/VERSION/ref/netX.Y/*.xml</c>, MIT licensed with the runtime): the plain text of
/// each member's <c>&lt;summary&gt;</c>, with cross-references written as the name they point to. The same SDK
/// version gives the same corpus on any machine.
/// </summary>
internal static class DocCorpusReader
{
    /// <summary>One document in this many goes to the held-out part (5%).</summary>
    public const int HeldOutModulus = 20;

    private const string RefPack = "Microsoft.NETCore.App.Ref";

    /// <summary>
    /// The newest reference pack's documentation folder under the running SDK: <c>DOTNET_ROOT</c> when set, otherwise
    /// three levels above the runtime's own System.Private.CoreLib (<c>shared/Microsoft.NETCore.App/VERSION/</c>).
    /// </summary>
    /// <returns>The folder holding the XML files and the pack's version.</returns>
    public static (string Directory, string Version) FindSdkDocs()
    {
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (string.IsNullOrEmpty(root) || !Directory.Exists(Path.Combine(root, "packs", RefPack)))
        {
            root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        }

        string packs = Path.Combine(root, "packs", RefPack);
        if (!Directory.Exists(packs))
        {
            throw new EngineException($"no {RefPack} pack under {root}: the corpus needs a .NET SDK (set DOTNET_ROOT)");
        }

        // Newest version by numeric comparison (10.0.12 > 10.0.9); the target folder named after this runtime.
        string? newest = Directory.GetDirectories(packs)
            .Select(Path.GetFileName)
            .Where(v => Version.TryParse(v!.Split('-')[0], out _))
            .OrderBy(v => Version.Parse(v!.Split('-')[0]))
            .ThenBy(v => v, StringComparer.Ordinal)
            .LastOrDefault();
        string framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        string docs = newest is null ? string.Empty : Path.Combine(packs, newest, "ref", framework);
        if (newest is null || !Directory.Exists(docs))
        {
            throw new EngineException($"no {framework} reference documentation under {packs}");
        }

        return (docs, newest);
    }

    /// <summary>The corpus from the running SDK's documentation.</summary>
    public static DocCorpus FromSdk()
    {
        (string directory, string version) = FindSdkDocs();
        return Read(Directory.GetFiles(directory, "*.xml"), $"{RefPack} {version}");
    }

    /// <summary>
    /// Reads <paramref name="files"/> in ordinal name order. A text seen before (many members share one summary) is kept
    /// once, where it first occurs, so no held-out document is also a training document.
    /// </summary>
    public static DocCorpus Read(IEnumerable<string> files, string source)
    {
        ArgumentNullException.ThrowIfNull(files);
        var train = new List<string>();
        var heldOut = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in files.OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal))
        {
            foreach ((string member, string text) in Summaries(file))
            {
                if (text.Length > 0 && seen.Add(text))
                {
                    (IsHeldOut(member) ? heldOut : train).Add(text);
                }
            }
        }

        return new DocCorpus(source, train, heldOut, Hash(train, heldOut));
    }

    /// <summary>Whether a member's document is held out: the first 8 bytes of SHA-256 of its name, modulo 20.</summary>
    public static bool IsHeldOut(string memberName)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(memberName), digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest) % HeldOutModulus == 0;
    }

    /// <summary>(member name, summary text with whitespace collapsed) for each member of one documentation file.</summary>
    public static IEnumerable<(string Member, string Text)> Summaries(string file)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true, XmlResolver = null };
        using XmlReader reader = XmlReader.Create(file, settings);
        string? member = null;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Name == "member")
            {
                member = reader.GetAttribute("name");
            }
            else if (reader.Name == "summary" && member is not null && !reader.IsEmptyElement)
            {
                var text = new StringBuilder();
                AppendText(reader, text);
                yield return (member, Normalize(text));
            }
        }
    }

    // Reads the current element's content up to its end tag. References become the name they point to: a langword
    // as written (null, true), a cref as its last dotted part without prefix or parameters (T:System.String -> String).
    private static void AppendText(XmlReader reader, StringBuilder text)
    {
        int depth = reader.Depth;
        while (reader.Read() && reader.Depth > depth)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.Element when reader.IsEmptyElement:
                    text.Append(ReferenceText(reader));
                    break;
            }
        }
    }

    private static string ReferenceText(XmlReader reader)
    {
        if (reader.GetAttribute("langword") is { } word)
        {
            return word;
        }

        if (reader.GetAttribute("cref") is { } cref)
        {
            string name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
            int paren = name.IndexOf('(', StringComparison.Ordinal);
            name = paren >= 0 ? name[..paren] : name;
            name = name[(name.LastIndexOf('.') + 1)..];
            int tick = name.IndexOf('`', StringComparison.Ordinal);
            return tick >= 0 ? name[..tick] : name.Replace("#ctor", "constructor", StringComparison.Ordinal);
        }

        return reader.GetAttribute("name") ?? string.Empty;
    }

    private static string Normalize(StringBuilder text)
    {
        var output = new StringBuilder(text.Length);
        bool space = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                space = output.Length > 0;
                continue;
            }

            if (space)
            {
                output.Append(' ');
                space = false;
            }

            output.Append(c);
        }

        return output.ToString();
    }

    private static string Hash(List<string> train, List<string> heldOut)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string doc in train.Append("\u0000").Concat(heldOut))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(doc));
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
