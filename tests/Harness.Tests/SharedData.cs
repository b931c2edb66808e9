namespace Harness.Tests;

/// <summary>Paths to the read-only material beside the repository (<c>../shared</c>).</summary>
internal static class SharedData
{
    public static string Root { get; } = FindRoot();

    public static string Stories260K => Path.Combine(Root, "models", "stories260K.bin");

    public static string Trace(string name) => Path.Combine(Root, "traces", name);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "models")) && Directory.Exists(Path.Combine(candidate, "traces")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("the shared/ folder (models, traces) was not found above the test binaries");
    }
}
