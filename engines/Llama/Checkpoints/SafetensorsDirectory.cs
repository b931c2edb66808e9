using System.Text.Json;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// The weights of a Hugging Face model directory: a single <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c> (<c>{"weight_map": {"tensor name": "shard file name"}}</c>).
/// </summary>
public static class SafetensorsDirectory
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>Reads every tensor of the directory's checkpoint. Returns the tensors (caller owns them) and the file count.</summary>
    public static (Dictionary<string, Tensor> Tensors, int FileCount) ReadAll(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string index = Path.Combine(directory, IndexFile);
        if (File.Exists(index))
        {
            return ReadSharded(directory, index);
        }

        string single = Path.Combine(directory, SingleFile);
        if (File.Exists(single))
        {
            using SafetensorsFile file = SafetensorsFile.Open(single);
            return (file.ReadAll(), 1);
        }

        throw new EngineException($"{directory}: neither {SingleFile} nor {IndexFile} found (only safetensors checkpoints are supported)");
    }

    /// <summary>Parses an index's weight_map: tensor name -> shard file name.</summary>
    public static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out JsonElement wm) || wm.ValueKind != JsonValueKind.Object)
            {
                throw new EngineException($"{indexPath}: no \"weight_map\" object");
            }

            foreach (JsonProperty p in wm.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not { Length: > 0 } shard)
                {
                    throw new EngineException($"{indexPath}: weight_map entry for tensor '{p.Name}' is not a file name");
                }

                // Shards live beside the index; a path elsewhere is a corrupt or hostile index.
                if (Path.GetFileName(shard) != shard)
                {
                    throw new EngineException($"{indexPath}: weight_map entry for tensor '{p.Name}' names '{shard}', not a file beside the index");
                }

                map[p.Name] = shard;
            }
        }
        catch (JsonException ex)
        {
            throw new EngineException($"{indexPath}: not valid JSON: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"{indexPath}: cannot read: {ex.Message}", ex);
        }

        return map;
    }

    private static (Dictionary<string, Tensor> Tensors, int FileCount) ReadSharded(string directory, string indexPath)
    {
        Dictionary<string, string> weightMap = ReadWeightMap(indexPath);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var shards = weightMap.GroupBy(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        try
        {
            foreach (IGrouping<string, string> shard in shards)
            {
                string shardPath = Path.Combine(directory, shard.Key);
                using SafetensorsFile file = SafetensorsFile.Open(shardPath);
                foreach (string name in shard)
                {
                    if (!file.Contains(name))
                    {
                        throw new EngineException($"{shardPath}: tensor '{name}' is listed in {IndexFile} but not in the shard");
                    }

                    result.Add(name, file.ReadTensor(name));
                }
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

        return (result, shards.Count);
    }
}
