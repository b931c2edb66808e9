using System.Text.Json.Nodes;
using Harness.Engines.Llama.Tokenization;

namespace Harness.Tests.Engines.Tokenization;

/// <summary>Writes small byte-level tokenizer.json files into a temporary folder, deleted on dispose.</summary>
internal sealed class TokenizerJsonBuilder : IDisposable
{
    /// <summary>Llama 3's Split pattern (digits in groups of up to three).</summary>
    public const string Llama3Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public TokenizerJsonBuilder()
    {
        Directory = Path.Combine(Path.GetTempPath(), "harness-tok-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Byte b has id b; extra tokens follow from 256 in the order given.</summary>
    public static JsonObject ByteVocab(params string[] extra)
    {
        var vocab = new JsonObject();
        for (int b = 0; b < 256; b++)
        {
            vocab[ByteLevelAlphabet.ToChar((byte)b).ToString()] = b;
        }

        for (int i = 0; i < extra.Length; i++)
        {
            vocab[extra[i]] = 256 + i;
        }

        return vocab;
    }

    public static JsonObject ByteLevel(bool addPrefixSpace = false, bool useRegex = true) => new()
    {
        ["type"] = "ByteLevel",
        ["add_prefix_space"] = addPrefixSpace,
        ["trim_offsets"] = true,
        ["use_regex"] = useRegex,
    };

    public static JsonObject Llama3PreTokenizer() => new()
    {
        ["type"] = "Sequence",
        ["pretokenizers"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "Split",
                ["pattern"] = new JsonObject { ["Regex"] = Llama3Pattern },
                ["behavior"] = "Isolated",
                ["invert"] = false,
            },
            ByteLevel(useRegex: false)),
    };

    public static JsonObject Document(JsonObject vocab, JsonArray merges, JsonNode? preTokenizer, JsonArray? added = null, bool ignoreMerges = false) => new()
    {
        ["version"] = "1.0",
        ["added_tokens"] = added ?? [],
        ["normalizer"] = null,
        ["pre_tokenizer"] = preTokenizer,
        ["post_processor"] = null,
        ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
        ["model"] = new JsonObject
        {
            ["type"] = "BPE",
            ["dropout"] = null,
            ["unk_token"] = null,
            ["continuing_subword_prefix"] = null,
            ["end_of_word_suffix"] = null,
            ["fuse_unk"] = false,
            ["byte_fallback"] = false,
            ["ignore_merges"] = ignoreMerges,
            ["vocab"] = vocab,
            ["merges"] = merges,
        },
    };

    public static JsonObject AddedToken(int id, string content) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };

    /// <summary>Writes <paramref name="content"/> as <paramref name="name"/> and returns its path.</summary>
    public string Write(JsonNode content, string name = "tokenizer.json") => Write(content.ToJsonString(), name);

    public string Write(string content, string name = "tokenizer.json")
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
