using Harness.Engines;
using Harness.Engines.Llama;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Compression;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using Harness.Tests.Engines.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Compression;

/// <summary>Pruning a whole checkpoint (stories260K): the pattern lands in every decoder matrix, and a structurally
/// pruned model is the masked dense model with smaller matrices.</summary>
public sealed class PrunedModelTests
{
    private static readonly string[] Matrices = [LlamaTensorNames.Q, LlamaTensorNames.K, LlamaTensorNames.V, LlamaTensorNames.O, LlamaTensorNames.Gate, LlamaTensorNames.Up, LlamaTensorNames.Down];

    [Theory]
    [InlineData("magnitude:0.5")]
    [InlineData("wanda:0.5")]
    [InlineData("2:4")]
    [InlineData("wanda-2:4")]
    public void Every_decoder_matrix_has_exactly_half_its_weights_removed(string prune)
    {
        TorchRuntime.EnsureInitialized();
        using LoadedCheckpoint checkpoint = Llama2cCheckpoint.Load(SharedData.Stories260K);
        PruneOptions options = PruneOptions.Parse(prune)!;
        ActivationNorms? norms = null;
        if (options.NeedsCalibration)
        {
            using var dense = new LlamaModel(LlamaWeights.Create(checkpoint.Config, Precision.Fp32, checkpoint.TryGet), 65, AttentionKind.Fused, DecodePath.Torch);
            norms = ActivationNorms.Calibrate(dense, 2, 32, seed: 1);
            Assert.Equal(64, norms.Tokens);
        }

        using var pruned = new PrunedCheckpoint(checkpoint.Config, checkpoint.TryGet, options, norms);
        for (int layer = 0; layer < checkpoint.Config.NumLayers; layer++)
        {
            foreach (string name in Matrices)
            {
                Tensor w = pruned.TryGet(LlamaTensorNames.Layer(layer, name))!;
                using Tensor zeros = (w == 0).sum();
                Assert.Equal(w.NumberOfElements / 2, zeros.item<long>());
            }
        }

        // The embedding is not pruned.
        Assert.Same(checkpoint.TryGet(LlamaTensorNames.Embed), pruned.TryGet(LlamaTensorNames.Embed));
    }

    [Fact]
    public void A_structurally_pruned_model_matches_the_dense_model_with_those_channels_masked()
    {
        TorchRuntime.EnsureInitialized();
        using LoadedCheckpoint checkpoint = Llama2cCheckpoint.Load(SharedData.Stories260K);
        LlamaConfig config = checkpoint.Config;
        ActivationNorms norms;
        using (var dense = new LlamaModel(LlamaWeights.Create(config, Precision.Fp32, checkpoint.TryGet), 65, AttentionKind.Fused, DecodePath.Torch))
        {
            norms = ActivationNorms.Calibrate(dense, 2, 32, seed: 1);
        }

        using var pruned = new PrunedCheckpoint(config, checkpoint.TryGet, new PruneOptions(PruneMethod.MlpChannels, 0.25), norms);
        Assert.Equal(172 - 43, pruned.Config.IntermediateSize);
        Assert.All(pruned.KeptChannels, kept => Assert.Equal(129, kept.Distinct().Count()));

        // The masked dense model: every removed channel's gate and up rows zeroed, so its SwiGLU output is exactly 0.
        var masked = new Dictionary<string, Tensor>();
        for (int layer = 0; layer < config.NumLayers; layer++)
        {
            using Tensor mask = torch.zeros(config.IntermediateSize, 1);
            mask.index_fill_(0, torch.tensor(pruned.KeptChannels[layer].Select(i => (long)i).ToArray()), 1);
            foreach (string name in new[] { LlamaTensorNames.Gate, LlamaTensorNames.Up })
            {
                string tensor = LlamaTensorNames.Layer(layer, name);
                masked[tensor] = checkpoint.TryGet(tensor)! * mask;
            }
        }

        using var small = new LlamaModel(LlamaWeights.Create(pruned.Config, Precision.Fp32, pruned.TryGet), 128, AttentionKind.Fused, DecodePath.Kernels, new KernelDecoderFactory(2));
        using var full = new LlamaModel(LlamaWeights.Create(config, Precision.Fp32, n => masked.GetValueOrDefault(n) ?? checkpoint.TryGet(n)), 128, AttentionKind.Fused, DecodePath.Kernels, new KernelDecoderFactory(2));
        int[] prompt = [1, 365, 473, 263, 431, 92, 227];
        int[] ids = TestModels.Greedy(full, prompt, 32);
        Assert.Equal(ids, TestModels.Greedy(small, prompt, 32));
        float[][] a = TestModels.CachedLogits(full, [.. prompt, .. ids], prompt.Length);
        float[][] b = TestModels.CachedLogits(small, [.. prompt, .. ids], prompt.Length);
        Assert.InRange(a.Zip(b).Max(p => TestModels.MaxAbsDifference(p.First, p.Second)), 0, 1e-4);
        Assert.True(small.Weights.Bytes < full.Weights.Bytes, "the pruned model is not smaller");
        foreach (Tensor t in masked.Values)
        {
            t.Dispose();
        }
    }

    [Fact]
    public void A_model_saved_in_fp32_is_pruned_and_quantised_like_a_checkpoint()
    {
        // The default model is a saved fp32 model: its fused matrices are read back under their checkpoint names.
        (LlamaWeights dense, _, _) = LlamaEngineFactory.LoadWeights(ModelSpec.Parse("default"), Precision.Fp32);
        (LlamaWeights pruned, _, _) = LlamaEngineFactory.LoadWeights(ModelSpec.Parse("default"), Precision.Int8, prune: PruneOptions.Parse("mlp:0.25"));
        using (dense)
        using (pruned)
        {
            Assert.Equal(dense.Config.IntermediateSize - (int)Math.Round(0.25 * dense.Config.IntermediateSize), pruned.Config.IntermediateSize);
            Assert.Equal(Precision.Int8, pruned.Precision);
            Assert.Equal(dense.Config.NumLayers, pruned.Config.NumLayers);
        }
    }

    [Fact]
    public void The_engine_prunes_a_checkpoint_from_its_options_and_refuses_a_bad_prune_option()
    {
        using LlamaEngine engine = LlamaEngineFactory.Build(
            $"llama2c:{SharedData.Stories260K}",
            LlamaTestOptions.Of(Precision: "int8", Threads: 2, MaxContext: 64, Extra: new Dictionary<string, string> { ["prune"] = "2:4" }));
        // Half of every gate/up row is pruned; int8 rounding may zero a few small kept weights as well.
        LayerWeights layer = engine.Model.Weights.Layers[0];
        using Tensor zeros = (layer.GateUp == 0).sum();
        long half = layer.GateUp.NumberOfElements / 2;
        Assert.InRange(zeros.item<long>(), half, half + (half / 100));

        var e = Assert.Throws<EngineException>(() => LlamaTestOptions.Of(Extra: new Dictionary<string, string> { ["prune"] = "half" }));
        Assert.Equal($"prune 'half' is not one of {PruneOptions.Forms}", e.Message);
    }
}
