using Harness.Engines.Llama;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Tools.Training;
using Harness.Engines.Llama.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Tools;

/// <summary>Distillation moves a student toward its teacher: its KL to the teacher falls on windows it never trained on.</summary>
public sealed class DistillationTests
{
    // A one-layer student a quarter of the width of the default model (4 layers of 128), its teacher here.
    private static readonly TrainOptions Student = new()
    {
        Steps = 40, Batch = 8, SeqLen = 32, Dim = 32, Layers = 1, Heads = 2, KvHeads = 1, Lr = 1e-2, WarmupSteps = 5, CheckpointEvery = 1000, Seed = 3,
    };

    [Fact]
    public void Forty_distillation_steps_cut_the_students_kl_to_its_teacher_by_a_quarter()
    {
        TorchRuntime.EnsureInitialized();
        (LlamaWeights weights, _, _) = LlamaEngineFactory.LoadWeights(ModelSpec.Parse("default"), Precision.Fp32);
        LlamaConfig config = weights.Config;
        using var teacher = new Teacher(new LlamaModel(weights, Student.SeqLen + 1, AttentionKind.Fused, DecodePath.Torch));

        // Counting text over the teacher's vocabulary (its bytes and merges): the teacher's predictions on it are its own.
        var data = new TokenStream([.. Enumerable.Range(0, 8000).Select(i => (i * 7 % 997) + 3)]);
        using var trainer = new Trainer(Student, data, config.VocabSize, 256, 257, teacher, new DistillationLoss(Temperature: 2, HardLabelWeight: 0));
        double Kl()
        {
            // Windows of a step the run never reaches, so never trained on.
            (Tensor ids, Tensor _) = data.Batch(10_000, 8, Student.SeqLen, seed: 99);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            Tensor s = trainer.Model.Logits(ids);
            Tensor t = teacher.Logits(ids);
            return DistillationLoss.Kl(s.view(-1, config.VocabSize), t.view(-1, config.VocabSize)).item<float>();
        }

        double before = Kl();
        while (trainer.Step < Student.Steps)
        {
            trainer.TrainStep();
        }

        double after = Kl();
        // Measured: 3.65 to 2.33 nats per token.
        Assert.True(after < before * 0.75, $"KL to the teacher went from {before:F4} to {after:F4}");
    }

    [Fact]
    public void A_teacher_without_a_distillation_loss_is_refused()
    {
        TorchRuntime.EnsureInitialized();
        using LoadedCheckpoint checkpoint = ModelPresets.Load("tiny");
        using var teacher = new Teacher(new LlamaModel(LlamaWeights.Create(checkpoint.Config, Precision.Fp32, checkpoint.TryGet), 33, AttentionKind.Fused, DecodePath.Torch));
        Assert.Throws<ArgumentException>(() => new Trainer(Student, new TokenStream([1, 2, 3]), 512, 1, 2, teacher));
    }
}
