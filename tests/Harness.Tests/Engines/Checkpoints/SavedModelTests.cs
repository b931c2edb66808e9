using Harness.Engines;
using Harness.Engines.Llama;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Tests.Engines.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Checkpoints;

/// <summary>
/// Saving a model in the engine's stored form and loading it back (hf:DIR): the same tensors bit for bit, the same
/// greedy output, a file the size of the weights plus a header, and one-line refusals for a mismatched precision or a
/// file that does not match its manifest.
/// </summary>
public sealed class SavedModelTests
{
    private static readonly ModelSpec Stories = ModelSpec.Parse("llama2c:" + SharedData.Stories260K);

    [Theory]
    [InlineData(Precision.Fp32, 32)]
    [InlineData(Precision.Fp16, 32)]
    [InlineData(Precision.Int8, 32)]
    [InlineData(Precision.Int8Dynamic, 32)]
    [InlineData(Precision.Int4, 64)]
    [InlineData(Precision.Int4, 32, true)]
    public void A_saved_model_loads_back_bit_for_bit(Precision precision, int groupSize, bool int8Vocabulary = false)
    {
        using var dir = new TempDir();
        (LlamaWeights original, _, _) = LlamaEngineFactory.LoadWeights(Stories, precision, new Int4Options(groupSize, Int8Vocabulary: int8Vocabulary));
        long disk;
        using (original)
        {
            disk = SavedModel.Write(original, dir.Path);

            // The file is the tensors plus a JSON header of a few KiB.
            Assert.InRange(disk - original.Bytes, 1, 16 * 1024);
            (LlamaWeights loaded, string? tokenizer, bool synthetic) = LlamaEngineFactory.LoadWeights(ModelSpec.Parse("hf:" + dir.Path), precision, new Int4Options(groupSize));
            using (loaded)
            {
                Assert.Null(tokenizer);
                Assert.False(synthetic);
                Assert.Equal(precision, loaded.Precision);
                Assert.Equal(original.Bytes, loaded.Bytes);
                Assert.Equal(original.Embedding.dtype, loaded.Embedding.dtype);
                Assert.Equal(original.Config.HiddenSize, loaded.Config.HiddenSize);
                Assert.Equal(original.Config.RopeLayout, loaded.Config.RopeLayout);
                Assert.Equal(original.Config.EosTokenIds, loaded.Config.EosTokenIds);
                Assert.Equal(original.Config.TieEmbeddings, loaded.Config.TieEmbeddings);
                foreach ((Tensor a, Tensor b) in original.Layers.SelectMany(l => l.All()).Zip(loaded.Layers.SelectMany(l => l.All())).Append((original.Embedding, loaded.Embedding)))
                {
                    Assert.Equal(a.dtype, b.dtype);
                    Assert.True(a.equal(b).all().item<bool>(), $"a {a.dtype} [{string.Join(", ", a.shape)}] tensor changed on the round trip");
                }

                using var before = new LlamaModel(original, 128, AttentionKind.Fused, DecodePath.Kernels, new KernelDecoderFactory(2), ownsWeights: false);
                using var after = new LlamaModel(loaded, 128, AttentionKind.Fused, DecodePath.Kernels, new KernelDecoderFactory(2), ownsWeights: false);
                Assert.Equal(TestModels.Greedy(before, [1, 403, 407], 24), TestModels.Greedy(after, [1, 403, 407], 24));
            }
        }
    }

    [Fact]
    public void Loading_in_another_precision_is_refused_in_one_line()
    {
        using var dir = new TempDir();
        SaveStories(Precision.Int4, dir);
        var spec = ModelSpec.Parse("hf:" + dir.Path);
        EngineException wrongPrecision = Assert.Throws<EngineException>(() => LlamaEngineFactory.LoadWeights(spec, Precision.Int8));
        Assert.Contains("saved as int4 (group_size 32)", wrongPrecision.Message);
        EngineException wrongGroup = Assert.Throws<EngineException>(() => LlamaEngineFactory.LoadWeights(spec, Precision.Int4, new Int4Options(128)));
        Assert.DoesNotContain('\n', wrongGroup.Message);
    }

    [Fact]
    public void A_file_that_does_not_match_its_manifest_names_the_first_wrong_tensor()
    {
        using var dir = new TempDir();
        SaveStories(Precision.Int8, dir);

        // The manifest now claims int4: the stored int8 matrices are the wrong dtype and width for it.
        string manifest = dir.File(SavedModel.ManifestFile);
        File.WriteAllText(manifest, File.ReadAllText(manifest)
            .Replace("\"int8\"", "\"int4\"", StringComparison.Ordinal)
            .Replace("\"group_size\": 0", "\"group_size\": 32", StringComparison.Ordinal));
        EngineException ex = Assert.Throws<EngineException>(() => LlamaEngineFactory.LoadWeights(ModelSpec.Parse("hf:" + dir.Path), Precision.Int4));
        Assert.True(ex.Message.Contains("tensor 'layers.0.qkv' is Int8", StringComparison.Ordinal), ex.Message);
        Assert.Contains("expected Byte", ex.Message);
    }

    private static void SaveStories(Precision precision, TempDir dir)
    {
        (LlamaWeights weights, _, _) = LlamaEngineFactory.LoadWeights(Stories, precision);
        using (weights)
        {
            SavedModel.Write(weights, dir.Path);
        }
    }
}
