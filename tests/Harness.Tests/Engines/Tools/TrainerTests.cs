using Harness.Engines;
using Harness.Engines.Llama;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Tools.Training;
using Harness.Engines.Llama.Torch;
using Harness.Tests.Engines.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Tools;

public sealed class TrainerTests
{
    // A tiny GQA model (2 query heads share 1 kv head) on 32-token windows.
    private static readonly TrainOptions Tiny = new()
    {
        Steps = 40, Batch = 8, SeqLen = 32, Dim = 32, Layers = 2, Heads = 2, KvHeads = 1, Lr = 1e-2, WarmupSteps = 5, CheckpointEvery = 1000, Seed = 7,
    };

    // Counting text: each token is predictable from the one before, so a model that learns anything drops far below ln(vocab).
    private static TokenStream Data() => new([.. Enumerable.Range(0, 4000).Select(i => (i * 7 % 61) + 2)]);

    [Fact]
    public void FortyStepsCutTheLossByMoreThanHalf()
    {
        TorchRuntime.EnsureInitialized();
        using var trainer = new Trainer(Tiny, Data(), 64, 0, 1);
        var losses = new List<double>();
        while (trainer.Step < Tiny.Steps)
        {
            losses.Add(trainer.TrainStep().Loss);
        }

        // Starts near ln 64 = 4.16.
        Assert.InRange(losses[0], 3.9, 4.4);
        Assert.True(losses.TakeLast(5).Average() < losses[0] * 0.5, $"first {losses[0]:F3}, last five {losses.TakeLast(5).Average():F3}");
    }

    [Fact]
    public void NeighbouringStepsDrawDifferentWindows()
    {
        TorchRuntime.EnsureInitialized();
        var stream = new TokenStream([.. Enumerable.Range(0, 100_000)]);

        // With distinct tokens, a window's first id is its offset.
        long[] Offsets(int step)
        {
            (Tensor ids, Tensor targets) = stream.Batch(step, 16, 8, seed: 1);
            using (ids)
            using (targets)
            {
                Assert.True((ids + 1).eq(targets).all().item<bool>());
                return ids.select(1, 0).data<long>().ToArray();
            }
        }

        for (int step = 0; step < 20; step++)
        {
            int shared = Offsets(step).Intersect(Offsets(step + 1)).Count();
            Assert.True(shared <= 1, $"steps {step} and {step + 1} share {shared} of 16 windows");
        }

        Assert.Equal(Offsets(5), Offsets(5));
    }

    [Fact]
    public void ResumedRunEndsWithBitIdenticalParameters()
    {
        TorchRuntime.EnsureInitialized();
        TrainOptions options = Tiny with { Steps = 6 };
        using var straight = new Trainer(options, Data(), 64, 0, 1);
        for (int i = 0; i < 6; i++)
        {
            straight.TrainStep();
        }

        string dir = Directory.CreateTempSubdirectory("train").FullName;
        try
        {
            using (var first = new Trainer(options, Data(), 64, 0, 1))
            {
                first.TrainStep();
                first.TrainStep();
                first.TrainStep();
                first.Save(dir, "corpus", 0);
            }

            // A fresh process would start from a differently seeded model: restoring must overwrite all of it.
            using var resumed = new Trainer(options with { }, Data(), 64, 0, 1);
            resumed.Restore(dir);
            Assert.Equal(3, resumed.Step);
            while (resumed.Step < 6)
            {
                resumed.TrainStep();
            }

            foreach ((string name, Tensor p) in straight.Model.Parameters)
            {
                Assert.True(p.eq(resumed.Model.Parameters[name]).all().item<bool>(), $"{name} differs after resuming");
                Assert.True(straight.Optimizer.Second[name].eq(resumed.Optimizer.Second[name]).all().item<bool>(), $"{name}'s second moment differs");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void EngineReproducesTheTrainedModelsLogits()
    {
        TorchRuntime.EnsureInitialized();
        using var trainer = new Trainer(Tiny with { Steps = 3 }, Data(), 64, 0, 1);
        for (int i = 0; i < 3; i++)
        {
            trainer.TrainStep();
        }

        string dir = Directory.CreateTempSubdirectory("saved").FullName;
        try
        {
            using (LlamaWeights weights = trainer.Model.ToWeights())
            {
                SavedModel.Write(weights, dir);
            }

            int[] ids = [.. trainer.Data.Tokens.Take(20)];
            using var engine = LlamaEngineFactory.Build($"hf:{dir}", LlamaTestOptions.Of(Threads: 2));
            float[] engineLogits = engine.ScoreSequence(ids);
            using Tensor input = torch.tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
            using var noGrad = torch.no_grad();
            using Tensor expected = trainer.Model.Logits(input);
            using Tensor actual = torch.tensor(engineLogits, [1, ids.Length, 64]);
            double maxDiff = (actual - expected).abs().max().item<float>();
            Assert.True(maxDiff < 1e-4, $"max |engine - training| = {maxDiff}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
