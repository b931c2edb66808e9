using System.Buffers.Binary;
using System.Text;

namespace Harness.Engines.Llama.Torch;

/// <summary>
/// Makes TorchSharp's native shim loadable on systems whose libstdc++ predates GLIBCXX_3.4.32 (Debian 12).
/// </summary>
/// <remarks>
/// <c>libLibTorchSharp.so</c> 0.107.0 was linked by GCC 13, which adds one reference,
/// <c>_ZSt21ios_base_library_initv@GLIBCXX_3.4.32</c>, only to pin the newer libstdc++; nothing calls it.
/// Two edits make the loader accept the file: the symbol's binding becomes WEAK (an undefined weak symbol may
/// stay unresolved), and the version requirement that names GLIBCXX_3.4.32 is pointed at the GLIBCXX_3.4 string
/// already in <c>.dynstr</c> (every libstdc++ provides it). The file keeps its size and every other byte.
/// </remarks>
internal static class LibStdCxxSymbolPatch
{
    private const string Symbol = "_ZSt21ios_base_library_initv";
    private const string NewVersion = "GLIBCXX_3.4.32";
    private const string OldVersion = "GLIBCXX_3.4";
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const byte StbWeak = 2;

    /// <summary>Outcome of <see cref="Apply"/>.</summary>
    public enum Result { Patched, AlreadyPatched, NotNeeded }

    /// <summary>Patches the ELF image in place (through a temporary file and an atomic rename).</summary>
    /// <exception cref="InvalidDataException">The file is not the ELF64 image this patch understands.</exception>
    public static Result Apply(string path)
    {
        byte[] image = File.ReadAllBytes(path);
        Result result = PatchImage(image);
        if (result != Result.Patched)
        {
            return result;
        }

        string temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, image);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
        }

        File.Move(temp, path, overwrite: true);
        return result;
    }

    /// <summary>Edits <paramref name="image"/>; returns whether anything changed.</summary>
    public static Result PatchImage(Span<byte> image)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F'
            || image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException("not a little-endian ELF64 file");
        }

        long sectionTable = (long)BinaryPrimitives.ReadUInt64LittleEndian(image[0x28..]);
        int sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3A..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3C..]);

        Section? dynsym = null, verneed = null;
        var sections = new Section[sectionCount];
        for (int i = 0; i < sectionCount; i++)
        {
            ReadOnlySpan<byte> header = image.Slice(checked((int)(sectionTable + (i * sectionSize))), sectionSize);
            sections[i] = new Section(
                Type: BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                Offset: checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..])),
                Size: checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..])),
                Link: BinaryPrimitives.ReadInt32LittleEndian(header[0x28..]),
                EntrySize: checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x38..])));
        }

        foreach (Section s in sections)
        {
            if (s.Type == ShtDynsym) { dynsym = s; }
            else if (s.Type == ShtGnuVerneed) { verneed = s; }
        }

        if (dynsym is null || verneed is null)
        {
            return Result.NotNeeded;
        }

        Section dynstr = sections[dynsym.Value.Link];
        ReadOnlySpan<byte> strings = image.Slice(dynstr.Offset, dynstr.Size);

        bool changed = false;
        bool found = false;

        // Elf64_Sym: st_name u32, st_info u8, st_other u8, st_shndx u16, st_value u64, st_size u64.
        for (int offset = dynsym.Value.Offset; offset < dynsym.Value.Offset + dynsym.Value.Size; offset += dynsym.Value.EntrySize)
        {
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(image[offset..]);
            if (!NameAt(strings, name).SequenceEqual(Encoding.ASCII.GetBytes(Symbol)))
            {
                continue;
            }

            found = true;
            byte info = image[offset + 4];
            if (info >> 4 != StbWeak)
            {
                image[offset + 4] = (byte)((StbWeak << 4) | (info & 0xf));
                changed = true;
            }
        }

        // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
        // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
        int oldVersionName = IndexOfName(strings, OldVersion);
        int need = verneed.Value.Offset;
        while (true)
        {
            int count = BinaryPrimitives.ReadUInt16LittleEndian(image[(need + 2)..]);
            int aux = need + BinaryPrimitives.ReadInt32LittleEndian(image[(need + 8)..]);
            for (int i = 0; i < count; i++)
            {
                uint name = BinaryPrimitives.ReadUInt32LittleEndian(image[(aux + 8)..]);
                if (NameAt(strings, name).SequenceEqual(Encoding.ASCII.GetBytes(NewVersion)))
                {
                    found = true;
                    if (oldVersionName < 0)
                    {
                        throw new InvalidDataException($"'{OldVersion}' is not in .dynstr");
                    }

                    BinaryPrimitives.WriteUInt32LittleEndian(image[aux..], ElfHash(OldVersion));
                    BinaryPrimitives.WriteUInt32LittleEndian(image[(aux + 8)..], (uint)oldVersionName);
                    changed = true;
                }

                aux += BinaryPrimitives.ReadInt32LittleEndian(image[(aux + 12)..]);
            }

            int next = BinaryPrimitives.ReadInt32LittleEndian(image[(need + 12)..]);
            if (next == 0)
            {
                break;
            }

            need += next;
        }

        return changed ? Result.Patched : found ? Result.AlreadyPatched : Result.NotNeeded;
    }

    /// <summary>The SysV ELF hash used in version-needed entries.</summary>
    public static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0)
            {
                h ^= g >> 24;
            }

            h &= ~g;
        }

        return h;
    }

    private static ReadOnlySpan<byte> NameAt(ReadOnlySpan<byte> strings, uint offset)
    {
        if (offset >= strings.Length)
        {
            return [];
        }

        ReadOnlySpan<byte> rest = strings[(int)offset..];
        int end = rest.IndexOf((byte)0);
        return end < 0 ? rest : rest[..end];
    }

    private static int IndexOfName(ReadOnlySpan<byte> strings, string name)
    {
        byte[] wanted = Encoding.ASCII.GetBytes("\0" + name + "\0");
        int at = strings.IndexOf(wanted);
        return at < 0 ? -1 : at + 1;
    }

    private readonly record struct Section(uint Type, int Offset, int Size, int Link, int EntrySize);
}
