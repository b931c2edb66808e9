using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// Moves raw bytes into and out of a tensor's own memory through <see cref="Tensor.bytes"/>, with no managed buffer in
/// between. A Span is limited to 2 GiB, so larger tensors go through 1-D views of at most <c>chunkBytes</c>.
/// </summary>
internal static class TensorBytes
{
    public const long DefaultChunkBytes = 1L << 30;

    private delegate void ChunkAction(Span<byte> chunk, long byteOffset);

    /// <summary>Byte length of a tensor's data.</summary>
    public static long Length(Tensor t) => t.NumberOfElements * t.ElementSize;

    /// <summary>Copies <c>Length(destination)</c> bytes from <paramref name="source"/> into a contiguous CPU tensor.</summary>
    public static unsafe void CopyFrom(Tensor destination, byte* source, long chunkBytes = DefaultChunkBytes)
    {
        nint address = (nint)source;
        ForEachChunk(destination, chunkBytes, (chunk, offset) => new ReadOnlySpan<byte>((byte*)address + offset, chunk.Length).CopyTo(chunk));
    }

    /// <summary>Fills a contiguous CPU tensor with the next bytes of <paramref name="stream"/>.</summary>
    public static void ReadFrom(Tensor destination, Stream stream, long chunkBytes = DefaultChunkBytes) =>
        ForEachChunk(destination, chunkBytes, (chunk, _) => stream.ReadExactly(chunk));

    /// <summary>Writes a contiguous CPU tensor's bytes to <paramref name="stream"/>.</summary>
    public static void WriteTo(Tensor source, Stream stream, long chunkBytes = DefaultChunkBytes) =>
        ForEachChunk(source, chunkBytes, (chunk, _) => stream.Write(chunk));

    private static void ForEachChunk(Tensor t, long chunkBytes, ChunkAction action)
    {
        long total = Length(t);
        if (total == 0)
        {
            return;
        }

        if (total <= chunkBytes)
        {
            action(t.bytes, 0);
            return;
        }

        // narrow() of a flat view of a contiguous tensor is contiguous, so each part's bytes are one Span.
        long elementSize = t.ElementSize;
        long perChunk = Math.Max(1, chunkBytes / elementSize);
        long count = t.NumberOfElements;
        using Tensor flat = t.view(-1);
        for (long start = 0; start < count; start += perChunk)
        {
            using Tensor part = flat.narrow(0, start, Math.Min(perChunk, count - start));
            action(part.bytes, start * elementSize);
        }
    }
}
