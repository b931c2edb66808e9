using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;

namespace Harness.Engines.Llama.Torch;

/// <summary>
/// The one gate to libtorch: applies the native fix the platform needs, then loads TorchSharp once.
/// Every code path that touches <c>torch.*</c> goes through <see cref="EnsureInitialized"/> first.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool initialized;

    /// <summary>Which files the native fix changed on this machine (empty when none needed it).</summary>
    public static IReadOnlyList<string> PatchedFiles { get; private set; } = [];

    /// <summary>Loads libtorch, patching TorchSharp's shim first where the system libstdc++ needs it.</summary>
    /// <exception cref="EngineException">libtorch cannot be loaded; the message says why.</exception>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (initialized)
            {
                return;
            }

            PatchedFiles = ApplyNativeFixIfNeeded();
            PreferPassiveOpenMpWaits();
            try
            {
                // Touching any torch API runs TorchSharp's static loader.
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException)
            {
                throw new EngineException($"libtorch could not be loaded: {(ex.InnerException ?? ex).Message}");
            }

            initialized = true;
        }
    }

    /// <summary>
    /// libtorch's OpenMP workers spin for a while after each parallel region; decode then runs on the project's own
    /// threads, and spinning workers steal the two cores from them. Passive waiting makes them sleep at once.
    /// Must be in the native environment before libgomp loads (the managed environment is not seen by native code).
    /// </summary>
    private static void PreferPassiveOpenMpWaits()
    {
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
        {
            _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>True when a libstdc++ that defines GLIBCXX_3.4.32 is on the loader's usual paths.</summary>
    public static bool SystemLibStdCxxHasNewSymbols()
    {
        byte[] marker = Encoding.ASCII.GetBytes("GLIBCXX_3.4.32");
        foreach (string dir in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64" })
        {
            string candidate = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(candidate))
            {
                return File.ReadAllBytes(candidate).AsSpan().IndexOf(marker) >= 0;
            }
        }

        return true; // Unknown layout: leave the files alone.
    }

    private static List<string> ApplyNativeFixIfNeeded()
    {
        var patched = new List<string>();
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || SystemLibStdCxxHasNewSymbols())
        {
            return patched;
        }

        foreach (string file in CandidateShims())
        {
            try
            {
                if (LibStdCxxSymbolPatch.Apply(file) == LibStdCxxSymbolPatch.Result.Patched)
                {
                    patched.Add(file);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new EngineException($"cannot apply the libstdc++ fix to '{file}': {ex.Message}");
            }
        }

        return patched;
    }

    /// <summary>
    /// TorchSharp copies its natives from the NuGet package folder next to the app at first use, overwriting what is
    /// there, so the package folder's copy is patched as well as any copy already next to the app.
    /// </summary>
    private static IEnumerable<string> CandidateShims()
    {
        const string Shim = "libLibTorchSharp.so";
        string version = typeof(torch).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.107.0";
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string inPackage = Path.Combine(packages, "torchsharp", version, "runtimes", "linux-x64", "native", Shim);
        if (File.Exists(inPackage))
        {
            yield return inPackage;
        }

        foreach (string local in Directory.EnumerateFiles(AppContext.BaseDirectory, Shim, SearchOption.AllDirectories))
        {
            yield return local;
        }
    }
}
