using System.IO.Compression;
using Harness.Engines.Llama.Torch;
using TorchSharp;

namespace Harness.Tests.Engines.Torch;

/// <summary>The two-edit fix of TorchSharp's native shim, applied to a pristine copy from the NuGet package.</summary>
public sealed class LibStdCxxSymbolPatchTests
{
    [Fact]
    public void ElfHashOfTheOldVersionIsTheOneLoadersExpect()
    {
        // readelf -V prints this hash for every GLIBCXX_3.4 requirement.
        Assert.Equal(0x08922974u, LibStdCxxSymbolPatch.ElfHash("GLIBCXX_3.4"));
    }

    [Fact]
    public void PatchesAPristineShimOnceAndOnlyTwoFieldsChange()
    {
        byte[] pristine = PristineShim();
        byte[] image = [.. pristine];

        Assert.Equal(LibStdCxxSymbolPatch.Result.Patched, LibStdCxxSymbolPatch.PatchImage(image));
        Assert.Equal(LibStdCxxSymbolPatch.Result.AlreadyPatched, LibStdCxxSymbolPatch.PatchImage(image));
        Assert.Equal(pristine.Length, image.Length);

        // One byte of st_info, plus the 4-byte vna_hash and up to 4 bytes of vna_name.
        int changed = pristine.Zip(image).Count(p => p.First != p.Second);
        Assert.InRange(changed, 2, 9);
    }

    [Fact]
    public void RejectsFilesThatAreNotElf()
    {
        Assert.Throws<InvalidDataException>(() => LibStdCxxSymbolPatch.PatchImage(new byte[128]));
    }

    [Fact]
    public void TorchLoadsAfterTheFix()
    {
        TorchRuntime.EnsureInitialized();
        using var a = torch.ones(3, 3);
        Assert.Equal(9f, a.sum().item<float>());
    }

    private static byte[] PristineShim()
    {
        string version = typeof(torch).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.107.0";
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string nupkg = Path.Combine(packages, "torchsharp", version, $"torchsharp.{version}.nupkg");
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        ZipArchiveEntry entry = zip.GetEntry("runtimes/linux-x64/native/libLibTorchSharp.so")!;
        using var stream = new MemoryStream();
        using (Stream s = entry.Open())
        {
            s.CopyTo(stream);
        }

        return stream.ToArray();
    }
}
