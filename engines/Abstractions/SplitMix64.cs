namespace Harness.Engines;

/// <summary>
/// A tiny seeded generator (Steele, Lea and Flood's SplitMix64), shared by the engine and the harness. The engine gives
/// each request its own, so sampled outputs repeat exactly for a seed whatever else it is doing; the harness keys many
/// independent, reproducible streams with it (one per prefix block or per request), which <see cref="System.Random"/>
/// makes costly to seed. Its sequence is fixed by the algorithm, not by the .NET version.
/// </summary>
public struct SplitMix64
{
    private ulong state;

    public SplitMix64(ulong seed) => state = seed;

    /// <summary>Mixes a seed with a stream key so related streams (input lengths, output lengths, groups) do not overlap.</summary>
    public static ulong Derive(long seed, long stream, long key = 0)
    {
        SplitMix64 g = new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream));
        ulong a = g.NextUInt64();
        g = new SplitMix64(a ^ unchecked((ulong)key * 0xD1B54A32D192ED03UL));
        return g.NextUInt64();
    }

    /// <summary>A 31-bit seed for <see cref="System.Random"/>, derived like <see cref="Derive"/>.</summary>
    public static int DeriveInt(long seed, long stream, long key = 0) => (int)(Derive(seed, stream, key) >> 33);

    public ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound) by Lemire's multiply-shift (bias below 2^-32 for the bounds used here).</summary>
    public int NextInt(int bound) => (int)(((NextUInt64() >> 32) * (ulong)bound) >> 32);
}
