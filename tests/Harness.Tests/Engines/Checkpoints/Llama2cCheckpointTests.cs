using Harness.Engines;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Checkpoints;

public sealed class Llama2cCheckpointTests
{
    public Llama2cCheckpointTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void LoadsStories260KHeaderAsConfig()
    {
        using LoadedCheckpoint ckpt = CheckpointLoader.Load(ModelSpec.Parse("llama2c:" + SharedData.Stories260K));
        LlamaConfig c = ckpt.Config;
        Assert.Equal(("llama2c", 64, 172, 5, 8, 4, 512, 512), (c.ModelType, c.HiddenSize, c.IntermediateSize, c.NumLayers, c.NumHeads, c.NumKvHeads, c.VocabSize, c.MaxPositions));
        Assert.Equal(8, c.HeadDim);
        Assert.True(c.TieEmbeddings);
        Assert.Equal(RopeLayout.AdjacentPairs, c.RopeLayout);
        Assert.Equal(10000, c.RopeTheta);
        Assert.Equal(1e-5, c.RmsNormEps);
        Assert.Equal(1, c.BosTokenId);
        Assert.Equal([1], c.EosTokenIds);
        Assert.Null(ckpt.TokenizerJsonPath);
        Assert.Null(ckpt.TryGet(LlamaTensorNames.LmHead));
        Assert.Equal(LlamaTensorNames.Expected(c).Count, ckpt.Tensors.Count);
        Assert.Equal(c.ParameterCount, ckpt.Tensors.Values.Sum(t => t.NumberOfElements));
    }

    [Fact]
    public void TensorValuesMatchTheFileAsStored()
    {
        using LoadedCheckpoint ckpt = Llama2cCheckpoint.Load(SharedData.Stories260K);
        using var reader = new BinaryReader(File.OpenRead(SharedData.Stories260K));
        reader.BaseStream.Seek(28, SeekOrigin.Begin);
        float firstEmbedding = reader.ReadSingle();
        Assert.Equal(firstEmbedding, ckpt[LlamaTensorNames.Embed][0, 0].item<float>());

        // wq of layer 1, row 2, column 3: after embedding [512*64], rms_att [5*64], wq layer 0 [64*64].
        long floatIndex = (512 * 64) + (5 * 64) + (64 * 64) + (2 * 64) + 3;
        reader.BaseStream.Seek(28 + (floatIndex * 4), SeekOrigin.Begin);
        Assert.Equal(reader.ReadSingle(), ckpt[LlamaTensorNames.Layer(1, LlamaTensorNames.Q)][2, 3].item<float>());

        Tensor down = ckpt[LlamaTensorNames.Layer(4, LlamaTensorNames.Down)];
        Assert.Equal([64L, 172L], down.shape);
        Assert.Equal(ScalarType.Float32, down.dtype);
        Assert.True(down.is_contiguous());
    }

    [Fact]
    public void ExpectedSizeMatchesTheReferenceFile()
    {
        LlamaConfig c = Llama2cCheckpoint.ReadConfig(SharedData.Stories260K);
        Assert.Equal(1_056_540, Llama2cCheckpoint.ExpectedFileBytes(c, sharedClassifier: true));
    }

    [Fact]
    public void TruncatedFileNamesExpectedAndActualSizes()
    {
        using var dir = new TempDir();
        string path = dir.File("truncated.bin");
        byte[] bytes = File.ReadAllBytes(SharedData.Stories260K);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var ex = Assert.Throws<EngineException>(() => Llama2cCheckpoint.Load(path));
        Assert.Contains("1056440", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1056540", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeVocabReadsTheSeparateClassifier()
    {
        using var dir = new TempDir();
        string path = dir.File("untied.bin");
        byte[] bytes = File.ReadAllBytes(SharedData.Stories260K);
        BitConverter.GetBytes(-512).CopyTo(bytes, 20);
        var untied = new byte[bytes.Length + (512 * 64 * 4)];
        bytes.CopyTo(untied, 0);
        BitConverter.GetBytes(0.5f).CopyTo(untied, bytes.Length); // classifier[0, 0]
        File.WriteAllBytes(path, untied);
        using LoadedCheckpoint ckpt = Llama2cCheckpoint.Load(path);
        Assert.False(ckpt.Config.TieEmbeddings);
        Assert.Equal(0.5f, ckpt[LlamaTensorNames.LmHead][0, 0].item<float>());
    }

    [Fact]
    public void MissingOrGarbageFilesAreEngineErrors()
    {
        using var dir = new TempDir();
        Assert.Contains("not found", Assert.Throws<EngineException>(() => Llama2cCheckpoint.Load(dir.File("nope.bin"))).Message, StringComparison.Ordinal);
        File.WriteAllBytes(dir.File("short.bin"), [1, 2, 3]);
        Assert.Throws<EngineException>(() => Llama2cCheckpoint.Load(dir.File("short.bin")));
        File.WriteAllBytes(dir.File("zeros.bin"), new byte[64]);
        Assert.Contains("not a llama2.c checkpoint", Assert.Throws<EngineException>(() => Llama2cCheckpoint.Load(dir.File("zeros.bin"))).Message, StringComparison.Ordinal);
    }
}
