using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Harness.Engines;
using Harness.Results;

namespace Harness.Runner;

/// <summary>Describes the machine and build a run happened on, so two result files can be judged comparable.</summary>
internal static class RunEnvironmentProbe
{
    /// <summary>Assemblies of the dependencies whose versions change measured numbers or result files.</summary>
    private static readonly string[] Packages = ["TorchSharp", "Microsoft.ML.Tokenizers", "YamlDotNet", "HdrHistogram", "Spectre.Console", "System.CommandLine", "ScottPlot"];

    public static RunEnvironment Probe(string? startDirectory = null) => new(
        MachineLoad.CpuModel(),
        Environment.ProcessorCount,
        MemTotalBytes(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        PackageVersions(),
        GitCommit(startDirectory ?? Directory.GetCurrentDirectory()),
        MachineLoad.LoadAverage());

    public static long MemTotalBytes()
    {
        const string MemInfo = "/proc/meminfo";
        if (File.Exists(MemInfo))
        {
            foreach (string line in File.ReadLines(MemInfo))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal)
                    && long.TryParse(line["MemTotal:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb))
                {
                    return kb * 1024;
                }
            }
        }

        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    public static IReadOnlyDictionary<string, string> PackageVersions()
    {
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in Packages)
        {
            try
            {
                Assembly assembly = Assembly.Load(new AssemblyName(name));
                string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString();
                if (version is not null)
                {
                    // Informational versions carry "+<source commit>"; the package version is what matters.
                    versions[name] = version.Split('+')[0];
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                versions[name] = "not loaded";
            }
        }

        return versions;
    }

    /// <summary>
    /// The commit checked out at or above <paramref name="startDirectory"/>, read from the git files directly (a
    /// worktree's <c>.git</c> is a file pointing at its git directory; refs may be loose or packed). Null when not in
    /// a repository or unreadable. Uncommitted changes are not detected.
    /// </summary>
    public static string? GitCommit(string startDirectory)
    {
        try
        {
            string? gitDir = FindGitDir(startDirectory);
            if (gitDir is null)
            {
                return null;
            }

            string head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal))
            {
                return IsSha(head) ? head : null;
            }

            string refName = head["ref:".Length..].Trim();
            string commonDir = File.Exists(Path.Combine(gitDir, "commondir"))
                ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(Path.Combine(gitDir, "commondir")).Trim()))
                : gitDir;
            foreach (string dir in new[] { gitDir, commonDir })
            {
                string loose = Path.Combine(dir, refName);
                if (File.Exists(loose))
                {
                    string sha = File.ReadAllText(loose).Trim();
                    return IsSha(sha) ? sha : null;
                }
            }

            string packed = Path.Combine(commonDir, "packed-refs");
            if (File.Exists(packed))
            {
                foreach (string line in File.ReadLines(packed))
                {
                    string[] parts = line.Split(' ', 2);
                    if (parts.Length == 2 && parts[1].Trim() == refName && IsSha(parts[0]))
                    {
                        return parts[0];
                    }
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? FindGitDir(string start)
    {
        for (DirectoryInfo? dir = new(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            string dotGit = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(dotGit))
            {
                return dotGit;
            }

            if (File.Exists(dotGit))
            {
                string text = File.ReadAllText(dotGit).Trim();
                return text.StartsWith("gitdir:", StringComparison.Ordinal)
                    ? Path.GetFullPath(Path.Combine(dir.FullName, text["gitdir:".Length..].Trim()))
                    : null;
            }
        }

        return null;
    }

    private static bool IsSha(string s) => s.Length is 40 or 64 && s.All(Uri.IsHexDigit);
}
