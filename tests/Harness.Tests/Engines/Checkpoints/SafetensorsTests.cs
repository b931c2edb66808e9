using System.Text;
using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Torch;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Checkpoints;

public sealed class SafetensorsTests
{
    public SafetensorsTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void RoundTripsFloatAndIntegerDtypesIncludingOddShapes()
    {
        using var dir = new TempDir();
        string path = dir.File("t.safetensors");
        using var g = new Generator(7, CPU);
        var tensors = new Dictionary<string, Tensor>
        {
            ["a.f32"] = randn([3, 5, 7], ScalarType.Float32, generator: g),
            ["b.bf16"] = randn([13, 1], ScalarType.Float32, generator: g).to(ScalarType.BFloat16),
            ["c.f16"] = randn([1, 9, 2], ScalarType.Float32, generator: g).to(ScalarType.Float16),
            ["d.empty"] = empty([0, 4], ScalarType.Float32),
            ["e.scalar"] = tensor(3.5f),
            ["f.i8"] = tensor(new sbyte[] { -128, 0, 127 }),
            ["g.i64"] = tensor(new long[] { long.MinValue, 42 }),
            ["h.noncontiguous"] = randn([4, 6], ScalarType.Float32, generator: g).t(),
        };
        try
        {
            SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
            using SafetensorsFile file = SafetensorsFile.Open(path);
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal(0, BitConverter.ToInt64(File.ReadAllBytes(path), 0) % 8);
            foreach ((string name, Tensor expected) in tensors)
            {
                using Tensor actual = file.ReadTensor(name);
                Assert.Equal(expected.dtype, actual.dtype);
                Assert.Equal(expected.shape, actual.shape);
                Assert.True(actual.is_contiguous());
                Assert.True(TensorAssert.BitEqual(expected, actual), name);
            }
        }
        finally
        {
            foreach (Tensor t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void ChunkedCopiesMatchOneShotCopies()
    {
        // The >2 GiB path splits tensors into 1-D views; exercise it with a tiny chunk size.
        using var dir = new TempDir();
        using var g = new Generator(3, CPU);
        using Tensor source = randn([37, 11], ScalarType.Float32, generator: g);
        using (var stream = File.Create(dir.File("raw")))
        {
            TensorBytes.WriteTo(source, stream, chunkBytes: 24);
        }

        using Tensor back = empty([37, 11], ScalarType.Float32);
        using (var stream = File.OpenRead(dir.File("raw")))
        {
            TensorBytes.ReadFrom(back, stream, chunkBytes: 28);
        }

        Assert.True(TensorAssert.BitEqual(source, back));
        byte[] raw = File.ReadAllBytes(dir.File("raw"));
        using Tensor mapped = empty([37, 11], ScalarType.Float32);
        unsafe
        {
            fixed (byte* p = raw)
            {
                TensorBytes.CopyFrom(mapped, p, chunkBytes: 100);
            }
        }

        Assert.True(TensorAssert.BitEqual(source, mapped));
    }

    [Fact]
    public void ShardedIndexRoundTrips()
    {
        using var dir = new TempDir();
        using LoadedCheckpoint preset = ModelPresets.Load("tiny");
        WriteHfDirectory(dir.Path, preset, shards: 3);
        using LoadedCheckpoint back = CheckpointLoader.Load(ModelSpec.Parse("hf:" + dir.Path));
        Assert.Contains("3 shards", back.Source, StringComparison.Ordinal);
        AssertSameTensors(preset, back);
    }

    [Fact]
    public void HfDirectoryFromTinyPresetLoadsBackIdentically()
    {
        using var dir = new TempDir();
        using LoadedCheckpoint preset = ModelPresets.Load("tiny-qwen");
        WriteHfDirectory(dir.Path, preset, shards: 1);
        File.WriteAllText(dir.File("tokenizer.json"), "{}");
        using LoadedCheckpoint back = CheckpointLoader.Load(ModelSpec.Parse("hf:" + dir.Path));
        Assert.Equal(preset.Config, back.Config with { EosTokenIds = preset.Config.EosTokenIds });
        Assert.Equal(preset.Config.EosTokenIds, back.Config.EosTokenIds);
        Assert.Equal(dir.File("tokenizer.json"), back.TokenizerJsonPath);
        AssertSameTensors(preset, back);
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        using var dir = new TempDir();
        using LoadedCheckpoint preset = ModelPresets.Load("tiny");
        string dropped = LlamaTensorNames.Layer(1, LlamaTensorNames.Up);
        WriteHfDirectory(dir.Path, preset, shards: 1, transform: d => d.Remove(dropped));
        var ex = Assert.Throws<EngineException>(() => CheckpointLoader.Load(ModelSpec.Parse("hf:" + dir.Path)));
        Assert.Contains(dropped, ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongShapeIsNamedWithExpectedAndActual()
    {
        using var dir = new TempDir();
        using LoadedCheckpoint preset = ModelPresets.Load("tiny");
        string name = LlamaTensorNames.Layer(0, LlamaTensorNames.K);
        using Tensor wrong = zeros([48, 64], ScalarType.Float32);
        WriteHfDirectory(dir.Path, preset, shards: 1, transform: d => d[name] = wrong);
        var ex = Assert.Throws<EngineException>(() => CheckpointLoader.Load(ModelSpec.Parse("hf:" + dir.Path)));
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.Contains("[48, 64]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[32, 64]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonFloatWeightIsNamed()
    {
        using var dir = new TempDir();
        using LoadedCheckpoint preset = ModelPresets.Load("tiny");
        using Tensor ints = zeros([64], ScalarType.Int32);
        WriteHfDirectory(dir.Path, preset, shards: 1, transform: d => d[LlamaTensorNames.FinalNorm] = ints);
        var ex = Assert.Throws<EngineException>(() => CheckpointLoader.Load(ModelSpec.Parse("hf:" + dir.Path)));
        Assert.Contains(LlamaTensorNames.FinalNorm, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderLengthPastFileIsReported()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors");
        byte[] bytes = new byte[16];
        BitConverter.GetBytes(1000L).CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<EngineException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("header length 1000", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", 8, "past the data section")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "needs 12")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "after end")]
    [InlineData("""{"w":{"dtype":"Q4_K","shape":[2],"data_offsets":[0,8]}}""", 8, "unsupported dtype 'Q4_K'")]
    [InlineData("""{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}""", 8, "header record")]
    public void CorruptHeadersNameFileAndTensor(string header, int dataBytes, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors");
        WriteRaw(path, header, dataBytes);
        var ex = Assert.Throws<EngineException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidJsonHeaderAndMissingFilesAreEngineErrors()
    {
        using var dir = new TempDir();
        WriteRaw(dir.File("json.safetensors"), "{not json", 0);
        Assert.Contains("JSON", Assert.Throws<EngineException>(() => SafetensorsFile.Open(dir.File("json.safetensors"))).Message, StringComparison.Ordinal);
        Assert.Throws<EngineException>(() => SafetensorsFile.Open(dir.File("absent.safetensors")));
        File.WriteAllText(dir.File("config.json"), TinyConfigJson);
        Assert.Contains("model.safetensors", Assert.Throws<EngineException>(() => CheckpointLoader.LoadHuggingFace(dir.Path)).Message, StringComparison.Ordinal);
        Assert.Contains("not found", Assert.Throws<EngineException>(() => CheckpointLoader.LoadHuggingFace(dir.File("nope"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexNamingAMissingShardTensorIsReported()
    {
        using var dir = new TempDir();
        using Tensor w = zeros([2], ScalarType.Float32);
        SafetensorsWriter.Write(dir.File("s1.safetensors"), new Dictionary<string, Tensor> { ["a"] = w });
        File.WriteAllText(dir.File(SafetensorsDirectory.IndexFile), """{"weight_map":{"a":"s1.safetensors","b":"s1.safetensors"}}""");
        var ex = Assert.Throws<EngineException>(() => SafetensorsDirectory.ReadAll(dir.Path));
        Assert.Contains("'b'", ex.Message, StringComparison.Ordinal);
    }

    internal const string TinyConfigJson = """
        {"model_type":"llama","vocab_size":512,"hidden_size":64,"intermediate_size":160,"num_hidden_layers":2,
         "num_attention_heads":4,"num_key_value_heads":2,"max_position_embeddings":512}
        """;

    private static void WriteRaw(string path, string header, int dataBytes)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        using var s = File.Create(path);
        s.Write(BitConverter.GetBytes((long)h.Length));
        s.Write(h);
        s.Write(new byte[dataBytes]);
    }

    /// <summary>Writes config.json and safetensors (one file, or an index over <paramref name="shards"/> files) for a checkpoint.</summary>
    private static void WriteHfDirectory(string dir, LoadedCheckpoint ckpt, int shards, Action<Dictionary<string, Tensor>>? transform = null)
    {
        var c = ckpt.Config;
        string json = $$"""
            {"model_type":"{{c.ModelType}}","vocab_size":{{c.VocabSize}},"hidden_size":{{c.HiddenSize}},
             "intermediate_size":{{c.IntermediateSize}},"num_hidden_layers":{{c.NumLayers}},"num_attention_heads":{{c.NumHeads}},
             "num_key_value_heads":{{c.NumKvHeads}},"max_position_embeddings":{{c.MaxPositions}},"rope_theta":{{c.RopeTheta}},
             "rms_norm_eps":{{c.RmsNormEps}},"tie_word_embeddings":{{(c.TieEmbeddings ? "true" : "false")}},
             "attention_bias":{{(c.AttentionBias ? "true" : "false")}},"bos_token_id":{{c.BosTokenId}},
             "eos_token_id":[{{string.Join(",", c.EosTokenIds)}}],"hidden_act":"silu","torch_dtype":"float32"}
            """;
        File.WriteAllText(Path.Combine(dir, "config.json"), json);
        var tensors = new Dictionary<string, Tensor>(ckpt.Tensors);
        transform?.Invoke(tensors);
        if (shards == 1)
        {
            SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), tensors);
            return;
        }

        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var weightMap = new Dictionary<string, string>();
        for (int s = 0; s < shards; s++)
        {
            string file = $"model-{s + 1:00000}-of-{shards:00000}.safetensors";
            var part = names.Where((_, i) => i % shards == s).ToDictionary(n => n, n => tensors[n]);
            SafetensorsWriter.Write(Path.Combine(dir, file), part);
            foreach (string n in part.Keys)
            {
                weightMap[n] = file;
            }
        }

        File.WriteAllText(
            Path.Combine(dir, SafetensorsDirectory.IndexFile),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["metadata"] = new Dictionary<string, long>(), ["weight_map"] = weightMap }));
    }

    private static void AssertSameTensors(LoadedCheckpoint expected, LoadedCheckpoint actual)
    {
        Assert.Equal(expected.Tensors.Keys.Order(StringComparer.Ordinal), actual.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach ((string name, Tensor e) in expected.Tensors)
        {
            Tensor a = actual[name];
            Assert.Equal(e.dtype, a.dtype);
            Assert.Equal(e.shape, a.shape);
            Assert.True(TensorAssert.BitEqual(e, a), name);
        }
    }
}
