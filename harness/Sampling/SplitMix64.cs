namespace Harness.Sampling;

/// <summary>
/// A tiny keyed generator (Steele, Lea and Flood's SplitMix64). Used where many independent, reproducible streams are
/// needed cheaply (one per prefix block or per request), which <see cref="System.Random"/> makes costly to seed.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>Mixes a seed with a stream key so related streams (input lengths, output lengths, groups) do not overlap.</summary>
    public static ulong Derive(long seed, long stream, long key = 0)
    {
        SplitMix64 g = new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream));
        ulong a = g.Next();
        g = new SplitMix64(a ^ unchecked((ulong)key * 0xD1B54A32D192ED03UL));
        return g.Next();
    }

    /// <summary>A 31-bit seed for <see cref="System.Random"/>, derived like <see cref="Derive"/>.</summary>
    public static int DeriveInt(long seed, long stream, long key = 0) => (int)(Derive(seed, stream, key) >> 33);

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, bound) by Lemire's multiply-shift (bias below 2^-32 for the bounds used here).</summary>
    public int NextInt(int bound) => (int)(((Next() >> 32) * (ulong)bound) >> 32);
}
