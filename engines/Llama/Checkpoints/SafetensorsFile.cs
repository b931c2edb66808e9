using System.IO.MemoryMappedFiles;
using System.Text.Json;
using Harness.Engines.Llama.Torch;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// A read-only, memory-mapped safetensors file: an 8-byte little-endian header length N, N bytes of JSON
/// (<c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}</c>), then the data section.
/// Only the header is read into managed memory; <see cref="ReadTensor"/> copies a tensor's bytes straight from the
/// page cache into a new tensor's storage. Every header inconsistency is an <see cref="EngineException"/> naming the
/// file and the tensor.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private const string MetadataKey = "__metadata__";

    // The header is JSON text; anything beyond this is a corrupt length, not a real header.
    private const long MaxHeaderBytes = 100L << 20;

    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly Dictionary<string, SafetensorsEntry> entries;
    private byte* dataStart;
    private bool disposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataOffset, Dictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        this.map = map;
        this.view = view;
        this.entries = entries;
        Metadata = metadata;
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        dataStart = start + view.PointerOffset + dataOffset;
    }

    public string FilePath { get; }

    /// <summary>The header's <c>__metadata__</c> strings (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Header records, by tensor name.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => entries;

    /// <summary>Maps <paramref name="path"/> and validates its header; throws <see cref="EngineException"/> on any problem.</summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new EngineException($"safetensors file not found: {path}");
        }

        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            long fileLength = new FileInfo(path).Length;
            if (fileLength < 8)
            {
                throw new EngineException($"{path}: not a safetensors file ({fileLength} bytes, shorter than the 8-byte header length)");
            }

            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            ulong headerLength = view.ReadUInt64(0);
            if (headerLength > (ulong)(fileLength - 8) || headerLength > MaxHeaderBytes)
            {
                throw new EngineException($"{path}: header length {headerLength} runs past the end of the file ({fileLength} bytes)");
            }

            var header = new byte[headerLength];
            view.ReadArray(8, header, 0, header.Length);
            long dataOffset = 8 + (long)headerLength;
            (Dictionary<string, SafetensorsEntry> entries, Dictionary<string, string> metadata) = ParseHeader(path, header, fileLength - dataOffset);
            var file = new SafetensorsFile(path, map, view, dataOffset, entries, metadata);
            map = null;
            view = null;
            return file;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"{path}: cannot read safetensors file: {ex.Message}", ex);
        }
        finally
        {
            view?.Dispose();
            map?.Dispose();
        }
    }

    public bool Contains(string name) => entries.ContainsKey(name);

    /// <summary>A new contiguous CPU tensor holding a copy of the named tensor's bytes.</summary>
    public Tensor ReadTensor(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!entries.TryGetValue(name, out SafetensorsEntry? e))
        {
            throw new EngineException($"{FilePath}: no tensor named '{name}'");
        }

        TorchRuntime.EnsureInitialized();
        Tensor t = empty(e.Shape.ToArray(), e.DType);
        try
        {
            TensorBytes.CopyFrom(t, dataStart + e.Begin);
        }
        catch
        {
            t.Dispose();
            throw;
        }

        return t;
    }

    /// <summary>Every tensor in the file, by name. The caller owns the tensors.</summary>
    public Dictionary<string, Tensor> ReadAll()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (string name in entries.Keys)
            {
                result.Add(name, ReadTensor(name));
            }
        }
        catch
        {
            foreach (Tensor t in result.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return result;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        dataStart = null;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }

    private static (Dictionary<string, SafetensorsEntry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header, long dataLength)
    {
        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException ex)
        {
            throw new EngineException($"{path}: header is not valid JSON: {ex.Message}", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new EngineException($"{path}: header is not a JSON object");
            }

            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == MetadataKey)
                {
                    if (p.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (JsonProperty m in p.Value.EnumerateObject())
                        {
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                        }
                    }

                    continue;
                }

                entries.Add(p.Name, ParseEntry(path, p.Name, p.Value, dataLength));
            }
        }

        return (entries, metadata);
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement e, long dataLength)
    {
        string Where() => $"{path}: tensor '{name}'";
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out JsonElement dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out JsonElement shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out JsonElement offsetsEl) || offsetsEl.ValueKind != JsonValueKind.Array)
        {
            throw new EngineException($"{Where()}: header record needs dtype (string), shape (array) and data_offsets (array)");
        }

        string dtypeName = dtypeEl.GetString()!;
        if (!SafetensorsDType.TryParse(dtypeName, out ScalarType dtype))
        {
            throw new EngineException($"{Where()}: unsupported dtype '{dtypeName}' (supported: {SafetensorsDType.Supported})");
        }

        var shape = new List<long>();
        foreach (JsonElement d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
            {
                throw new EngineException($"{Where()}: shape {shapeEl.GetRawText()} must hold non-negative integers");
            }

            shape.Add(dim);
        }

        if (offsetsEl.GetArrayLength() != 2
            || !offsetsEl[0].TryGetInt64(out long begin) || !offsetsEl[1].TryGetInt64(out long end) || begin < 0)
        {
            throw new EngineException($"{Where()}: data_offsets {offsetsEl.GetRawText()} must be two non-negative integers");
        }

        if (begin > end)
        {
            throw new EngineException($"{Where()}: data_offsets begin {begin} is after end {end}");
        }

        if (end > dataLength)
        {
            throw new EngineException($"{Where()}: data_offsets end {end} is past the data section ({dataLength} bytes)");
        }

        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (a, b) => a * b) * SafetensorsDType.SizeOf(dtype));
        }
        catch (OverflowException)
        {
            throw new EngineException($"{Where()}: shape {LoadedCheckpoint.FormatShape(shape)} is too large");
        }

        if (end - begin != expected)
        {
            throw new EngineException(
                $"{Where()}: holds {end - begin} bytes but shape {LoadedCheckpoint.FormatShape(shape)} of {dtypeName} needs {expected}");
        }

        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }
}
