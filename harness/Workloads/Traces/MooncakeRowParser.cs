using System.Text.Json;

namespace Harness.Workloads.Traces;

/// <summary>Mooncake JSONL rows: <c>{"timestamp": ms, "input_length": n, "output_length": m, "hash_ids": [...]}</c>.</summary>
internal sealed class MooncakeRowParser(string path) : ITraceRowParser
{
    /// <summary>Tokens per hash_ids block, as the Mooncake release states.</summary>
    public const int BlockTokens = 512;

    public TraceFormat Format => TraceFormat.Mooncake;

    public bool FirstLineIsData => true;

    public TraceRow Parse(string line, long lineNumber)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw TraceParse.Error(path, lineNumber, "expected a JSON object");
            }

            double ms = Number(root, "timestamp", lineNumber);
            int input = Tokens(root, "input_length", lineNumber);
            int output = Tokens(root, "output_length", lineNumber);
            long[] hashes = [];
            if (root.TryGetProperty("hash_ids", out JsonElement ids))
            {
                if (ids.ValueKind != JsonValueKind.Array)
                {
                    throw TraceParse.Error(path, lineNumber, "hash_ids is not an array");
                }

                hashes = new long[ids.GetArrayLength()];
                int i = 0;
                foreach (JsonElement id in ids.EnumerateArray())
                {
                    if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out hashes[i++]))
                    {
                        throw TraceParse.Error(path, lineNumber, "hash_ids holds a non-integer");
                    }
                }
            }

            return new TraceRow(lineNumber, TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond)), input, output, hashes);
        }
        catch (JsonException e)
        {
            throw TraceParse.Error(path, lineNumber, "invalid JSON: " + e.Message);
        }
    }

    private double Number(JsonElement root, string name, long line)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.Number)
        {
            throw TraceParse.Error(path, line, $"missing or non-numeric '{name}'");
        }

        return value.GetDouble();
    }

    private int Tokens(JsonElement root, string name, long line)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int n) || n < 0)
        {
            throw TraceParse.Error(path, line, $"missing or invalid '{name}' (expected a non-negative integer)");
        }

        return n;
    }
}
