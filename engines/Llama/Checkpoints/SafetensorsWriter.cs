using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// Writes tensors to a safetensors file: the header JSON (padded with spaces to a multiple of 8 bytes so the data
/// section stays aligned), then each tensor's bytes in ordinal name order. Used by tests and to save converted or
/// quantized models.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (CPU; any layout, made contiguous here) and optional string metadata.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        byte[] header = BuildHeader(names, tensors, metadata);
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            Span<byte> length = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (string name in names)
            {
                Tensor t = tensors[name];
                if (t.is_contiguous())
                {
                    TensorBytes.WriteTo(t, stream);
                }
                else
                {
                    using Tensor c = t.contiguous();
                    TensorBytes.WriteTo(c, stream);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"{path}: cannot write safetensors file: {ex.Message}", ex);
        }
    }

    private static byte[] BuildHeader(List<string> names, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach ((string key, string value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (string name in names)
            {
                if (name == "__metadata__")
                {
                    throw new EngineException("a tensor cannot be named '__metadata__' in a safetensors file");
                }

                Tensor t = tensors[name];
                if (t.device_type != DeviceType.CPU)
                {
                    throw new EngineException($"tensor '{name}' is on {t.device}; move it to the CPU before saving");
                }

                long bytes = TensorBytes.Length(t);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDType.NameOf(t.dtype));
                json.WriteStartArray("shape");
                foreach (long d in t.shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
        }

        int padded = (int)((buffer.Length + 7) / 8 * 8);
        while (buffer.Length < padded)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }
}
