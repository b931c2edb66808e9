using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;

namespace Harness.Tests.Engines.Checkpoints;

public sealed class HfConfigReaderTests
{
    private const string Llama32 = """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":128256,"hidden_size":2048,
         "intermediate_size":8192,"num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":64,
         "max_position_embeddings":131072,"rope_theta":500000.0,"rms_norm_eps":1e-05,"tie_word_embeddings":true,
         "bos_token_id":128000,"eos_token_id":[128001,128008,128009],"hidden_act":"silu","attention_bias":false,
         "mlp_bias":false,"torch_dtype":"bfloat16",
         "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}
        """;

    private const string Mistral = """
        {"model_type":"mistral","vocab_size":32000,"hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,
         "num_attention_heads":32,"num_key_value_heads":8,"max_position_embeddings":32768,"rope_theta":10000.0,
         "rms_norm_eps":1e-05,"sliding_window":4096,"tie_word_embeddings":false,"bos_token_id":1,"eos_token_id":2}
        """;

    private const string Qwen2 = """
        {"model_type":"qwen2","vocab_size":151936,"hidden_size":896,"intermediate_size":4864,"num_hidden_layers":24,
         "num_attention_heads":14,"num_key_value_heads":2,"max_position_embeddings":32768,"rope_theta":1000000.0,
         "rms_norm_eps":1e-06,"tie_word_embeddings":true,"bos_token_id":151643,"eos_token_id":151643,"rope_scaling":null,
         "use_sliding_window":false}
        """;

    [Fact]
    public void ReadsLlamaWithLlama3RopeScalingAndEosList()
    {
        LlamaConfig c = HfConfigReader.Parse(Llama32, "test");
        Assert.Equal(("llama", 128256, 2048, 8192, 16, 32, 8, 64), (c.ModelType, c.VocabSize, c.HiddenSize, c.IntermediateSize, c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim));
        Assert.Equal(131072, c.MaxPositions);
        Assert.Equal(500000, c.RopeTheta);
        Assert.Equal(1e-5, c.RmsNormEps);
        Assert.True(c.TieEmbeddings);
        Assert.False(c.AttentionBias);
        Assert.Equal(RopeLayout.HalfSplit, c.RopeLayout);
        Assert.Equal(new RopeScaling(32, 1, 4, 8192), c.RopeScaling);
        Assert.Equal(128000, c.BosTokenId);
        Assert.Equal([128001, 128008, 128009], c.EosTokenIds);
        Assert.Equal(ModelPresets.Config("llama3.2-1b").ParameterCount, c.ParameterCount);
    }

    [Fact]
    public void ReadsMistralWithDefaultsDerived()
    {
        LlamaConfig c = HfConfigReader.Parse(Mistral, "test");
        Assert.Equal("mistral", c.ModelType);
        Assert.Equal(128, c.HeadDim); // hidden / heads when head_dim is absent
        Assert.Equal(8, c.NumKvHeads);
        Assert.False(c.TieEmbeddings);
        Assert.Null(c.RopeScaling);
        Assert.Equal([2], c.EosTokenIds);
    }

    [Fact]
    public void ReadsQwen2WithAttentionBias()
    {
        LlamaConfig c = HfConfigReader.Parse(Qwen2, "test");
        Assert.Equal("qwen2", c.ModelType);
        Assert.True(c.AttentionBias);
        Assert.True(c.TieEmbeddings);
        Assert.Equal(64, c.HeadDim);
        Assert.Equal(1e-6, c.RmsNormEps);
        Assert.Equal(1_000_000, c.RopeTheta);
        Assert.Equal(ModelPresets.Config("qwen2.5-0.5b") with { EosTokenIds = c.EosTokenIds }, c);
    }

    [Fact]
    public void KvHeadsDefaultToHeads()
    {
        LlamaConfig c = HfConfigReader.Parse(SafetensorsTests.TinyConfigJson.Replace("\"num_key_value_heads\":2,", string.Empty, StringComparison.Ordinal), "test");
        Assert.Equal(4, c.NumKvHeads);
    }

    [Fact]
    public void UnsupportedModelTypeNamesItAndTheSupportedOnes()
    {
        var ex = Assert.Throws<EngineException>(() => HfConfigReader.Parse(Mistral.Replace("\"mistral\"", "\"gemma2\"", StringComparison.Ordinal), "cfg.json"));
        Assert.Contains("gemma2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("llama, mistral, qwen2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cfg.json", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yarn")]
    [InlineData("linear")]
    public void OtherRopeScalingTypesAreUnsupported(string type)
    {
        string json = Llama32.Replace("\"rope_type\":\"llama3\"", $"\"rope_type\":\"{type}\"", StringComparison.Ordinal);
        var ex = Assert.Throws<EngineException>(() => HfConfigReader.Parse(json, "test"));
        Assert.Contains($"unsupported rope_scaling type '{type}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LegacyTypeKeyIsAccepted()
    {
        string json = Llama32.Replace("\"rope_type\":\"llama3\"", "\"type\":\"llama3\"", StringComparison.Ordinal);
        Assert.NotNull(HfConfigReader.Parse(json, "test").RopeScaling);
    }

    [Fact]
    public void MissingFileBadJsonAndWrongTypesNameThePath()
    {
        using var dir = new TempDir();
        string path = dir.File("config.json");
        Assert.Contains(path, Assert.Throws<EngineException>(() => HfConfigReader.Read(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{\"model_type\": \"llama\",");
        Assert.Contains(path, Assert.Throws<EngineException>(() => HfConfigReader.Read(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, Mistral.Replace("\"hidden_size\":4096", "\"hidden_size\":\"big\"", StringComparison.Ordinal));
        var ex = Assert.Throws<EngineException>(() => HfConfigReader.Read(path));
        Assert.Contains("hidden_size", ex.Message, StringComparison.Ordinal);
        File.WriteAllText(path, Mistral.Replace("\"vocab_size\":32000,", string.Empty, StringComparison.Ordinal));
        Assert.Contains("vocab_size", Assert.Throws<EngineException>(() => HfConfigReader.Read(path)).Message, StringComparison.Ordinal);
    }
}
