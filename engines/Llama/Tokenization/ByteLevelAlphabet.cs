namespace Harness.Engines.Llama.Tokenization;

/// <summary>
/// GPT-2's reversible byte-to-character map used by every byte-level BPE vocabulary: printable Latin-1 bytes map to
/// themselves and the rest (controls, space, a few others) are shifted to U+0100 and up, so that every vocabulary
/// entry is a visible string with no whitespace and merges can be written as "a b".
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly short[] CharToByte = BuildCharToByte(ByteToChar);

    /// <summary>The character that stands for <paramref name="value"/> in byte-level vocabularies.</summary>
    public static char ToChar(byte value) => ByteToChar[value];

    /// <summary>The byte a vocabulary character stands for, or -1 when the character is outside the alphabet.</summary>
    public static int ToByte(char symbol) => symbol < CharToByte.Length ? CharToByte[symbol] : -1;

    /// <summary>Maps UTF-8 bytes to alphabet characters, one per byte.</summary>
    public static void Map(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            destination[i] = ByteToChar[bytes[i]];
        }
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= '¡' && b <= '¬') || (b >= '®' && b <= 'ÿ');
            map[b] = printable ? (char)b : (char)(256 + shifted++);
        }

        return map;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        // The highest character used is U+0143 (256 + 67 shifted bytes); everything else stays -1.
        var map = new short[byteToChar.Max() + 1];
        Array.Fill(map, (short)-1);
        for (int b = 0; b < byteToChar.Length; b++)
        {
            map[byteToChar[b]] = (short)b;
        }

        return map;
    }
}
