using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Decodes weight elements to fp32 for the GEMV inner loops; one struct per <see cref="WeightFormat"/> so the JIT
/// specialises each loop. Every load covers two vectors of columns (32 for Vector512), which is the natural unit for
/// bf16 (one 64-byte load widens to two fp32 vectors) and doubles as a 2-way unroll for fp32.
/// </summary>
internal unsafe interface IWeightLoader
{
    static abstract void Load512(byte* row, nint col, out Vector512<float> lo, out Vector512<float> hi);

    static abstract void LoadVector(byte* row, nint col, out Vector<float> lo, out Vector<float> hi);

    static abstract float LoadScalar(byte* row, nint col);
}

internal readonly unsafe struct F32Loader : IWeightLoader
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load512(byte* row, nint col, out Vector512<float> lo, out Vector512<float> hi)
    {
        float* p = (float*)row + col;
        lo = Vector512.Load(p);
        hi = Vector512.Load(p + Vector512<float>.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadVector(byte* row, nint col, out Vector<float> lo, out Vector<float> hi)
    {
        float* p = (float*)row + col;
        lo = Vector.Load(p);
        hi = Vector.Load(p + Vector<float>.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadScalar(byte* row, nint col) => ((float*)row)[col];
}

internal readonly unsafe struct Bf16Loader : IWeightLoader
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load512(byte* row, nint col, out Vector512<float> lo, out Vector512<float> hi)
    {
        Vector512<ushort> raw = Vector512.Load((ushort*)row + col);
        lo = Vector512.ShiftLeft(Vector512.WidenLower(raw), 16).AsSingle();
        hi = Vector512.ShiftLeft(Vector512.WidenUpper(raw), 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadVector(byte* row, nint col, out Vector<float> lo, out Vector<float> hi)
    {
        Vector.Widen(Vector.Load((ushort*)row + col), out Vector<uint> wideLo, out Vector<uint> wideHi);
        lo = Vector.AsVectorSingle(Vector.ShiftLeft(wideLo, 16));
        hi = Vector.AsVectorSingle(Vector.ShiftLeft(wideHi, 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadScalar(byte* row, nint col) => BitConverter.Int32BitsToSingle(((ushort*)row)[col] << 16);
}

/// <summary>
/// IEEE fp16 widened exactly to fp32 with integer operations: the magnitude bits shifted into fp32 position and
/// multiplied by 2^112 (the exponent biases differ by 112, and a power-of-two product is exact for normal and subnormal
/// values alike), then the sign put back. .NET exposes no F16C conversion; this is six operations per 8 or 16 elements.
/// Valid for finite values, which is all a model stores (fp16 weights that would overflow are refused at load).
/// </summary>
internal readonly unsafe struct F16Loader : IWeightLoader
{
    private const float Rebias = 5.192297e33f; // 2^112

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load512(byte* row, nint col, out Vector512<float> lo, out Vector512<float> hi)
    {
        Vector512<ushort> raw = Vector512.Load((ushort*)row + col);
        lo = Widen(Vector512.WidenLower(raw));
        hi = Widen(Vector512.WidenUpper(raw));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadVector(byte* row, nint col, out Vector<float> lo, out Vector<float> hi)
    {
        Vector.Widen(Vector.Load((ushort*)row + col), out Vector<uint> wideLo, out Vector<uint> wideHi);
        lo = Widen(wideLo);
        hi = Widen(wideHi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadScalar(byte* row, nint col) => (float)BitConverter.UInt16BitsToHalf(((ushort*)row)[col]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen(Vector512<uint> h)
    {
        Vector512<float> magnitude = Vector512.ShiftLeft(h & Vector512.Create(0x7FFFu), 13).AsSingle() * Vector512.Create(Rebias);
        return (magnitude.AsUInt32() | Vector512.ShiftLeft(h & Vector512.Create(0x8000u), 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Widen(Vector<uint> h)
    {
        Vector<float> magnitude = Vector.AsVectorSingle(Vector.ShiftLeft(h & new Vector<uint>(0x7FFFu), 13)) * new Vector<float>(Rebias);
        return Vector.AsVectorSingle(Vector.AsVectorUInt32(magnitude) | Vector.ShiftLeft(h & new Vector<uint>(0x8000u), 16));
    }
}

/// <summary>
/// Int8 elements widened exactly to fp32 (the row's scale is applied to the finished dot product, once per row). The
/// sign extension is one instruction per 8 or 16 elements (vpmovsxbd) where the CPU has it; elsewhere a scalar loop.
/// </summary>
internal readonly unsafe struct Int8Loader : IWeightLoader
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load512(byte* row, nint col, out Vector512<float> lo, out Vector512<float> hi)
    {
        sbyte* p = (sbyte*)row + col;
        lo = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(p)));
        hi = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(p + 16)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadVector(byte* row, nint col, out Vector<float> lo, out Vector<float> hi)
    {
        sbyte* p = (sbyte*)row + col;
        if (Avx2.IsSupported && Vector<float>.Count == 8)
        {
            lo = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p)).AsVector();
            hi = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p + 8)).AsVector();
            return;
        }

        int n = Vector<float>.Count;
        float* buffer = stackalloc float[2 * n];
        for (int i = 0; i < 2 * n; i++)
        {
            buffer[i] = p[i];
        }

        lo = Vector.Load(buffer);
        hi = Vector.Load(buffer + n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadScalar(byte* row, nint col) => ((sbyte*)row)[col];
}

/// <summary>Columns per scale group of an int4 matrix, as a type so each group size gets its own compiled loop.</summary>
internal interface IInt4Group
{
    static abstract int Size { get; }
}

internal readonly struct Int4Group32 : IInt4Group
{
    public static int Size => 32;
}

internal readonly struct Int4Group64 : IInt4Group
{
    public static int Size => 64;
}

internal readonly struct Int4Group128 : IInt4Group
{
    public static int Size => 128;
}

/// <summary>
/// Group-wise int4 (<see cref="Int4Layout"/>) widened to fp32 and multiplied by the group's scale, so the dot product
/// sees the dequantised weights. Loads start on 32-column (Load512) or 16-column (LoadVector) boundaries, which never
/// cross a group.
/// </summary>
internal readonly unsafe struct Int4Loader<TGroup> : IWeightLoader
    where TGroup : struct, IInt4Group
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load512(byte* row, nint col, out Vector512<float> lo, out Vector512<float> hi)
    {
        byte* group = Group(row, col, out float scale);
        Vector128<byte> packed = Vector128.Load(group + (((col % TGroup.Size) / 32) * 16));
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        Vector512<int> eight = Vector512.Create(8);
        Vector512<float> s = Vector512.Create(scale);
        lo = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(packed & mask) - eight) * s;
        hi = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & mask) - eight) * s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadVector(byte* row, nint col, out Vector<float> lo, out Vector<float> hi)
    {
        if (Avx2.IsSupported && Vector<float>.Count == 8)
        {
            byte* group = Group(row, col, out float scale);
            nint within = col % TGroup.Size;
            Vector128<byte> packed = Vector128.Load(group + ((within / 32) * 16));
            Vector128<byte> nibbles = (within % 32) < 16
                ? packed & Vector128.Create((byte)0x0F)
                : Vector128.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & Vector128.Create((byte)0x0F);
            Vector256<int> eight = Vector256.Create(8);
            Vector256<float> s = Vector256.Create(scale);
            lo = (Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(nibbles) - eight) * s).AsVector();
            hi = (Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(nibbles, 8)) - eight) * s).AsVector();
            return;
        }

        int n = Vector<float>.Count;
        float* buffer = stackalloc float[2 * n];
        for (int i = 0; i < 2 * n; i++)
        {
            buffer[i] = LoadScalar(row, col + i);
        }

        lo = Vector.Load(buffer);
        hi = Vector.Load(buffer + n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadScalar(byte* row, nint col)
    {
        byte* group = Group(row, col, out float scale);
        nint offset = col % TGroup.Size;
        byte b = group[((offset / 32) * 16) + (offset % 16)];
        int u = offset % 32 >= 16 ? b >> 4 : b & 0x0F;
        return (u - 8) * scale;
    }

    // The group holding `col` and its scale.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* Group(byte* row, nint col, out float scale)
    {
        byte* group = row + ((col / TGroup.Size) * ((TGroup.Size / 2) + sizeof(float)));
        scale = Unsafe.ReadUnaligned<float>(group + (TGroup.Size / 2));
        return group;
    }
}
