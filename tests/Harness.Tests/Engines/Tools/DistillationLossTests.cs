using Harness.Engines.Llama.Tools.Training;
using Harness.Engines.Llama.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Engines.Tools;

/// <summary>The distillation objective: zero at the teacher, the hand-computed KL, and a gradient that moves toward the teacher.</summary>
public sealed class DistillationLossTests
{
    [Fact]
    public void A_student_that_is_the_teacher_has_no_distillation_loss()
    {
        TorchRuntime.EnsureInitialized();
        using Tensor logits = torch.randn(2, 5, 11, generator: new Generator(3));
        using Tensor labels = torch.zeros(2, 5, ScalarType.Int64);
        using Tensor loss = new DistillationLoss(Temperature: 2, HardLabelWeight: 0).Compute(logits, logits, labels);
        Assert.InRange(loss.item<float>(), -1e-6, 1e-6);
    }

    [Fact]
    public void The_kl_term_is_the_hand_computed_divergence_times_the_squared_temperature()
    {
        TorchRuntime.EnsureInitialized();

        // Teacher softmax(log [0.5, 0.25, 0.25] · 2) at T = 2 is [0.5, 0.25, 0.25]; the student's is uniform.
        double[] p = [0.5, 0.25, 0.25];
        using Tensor teacher = torch.tensor(p.Select(v => (float)(2 * Math.Log(v))).ToArray()).view(1, 1, 3);
        using Tensor student = torch.zeros(1, 1, 3);
        using Tensor labels = torch.zeros(1, 1, ScalarType.Int64);
        double kl = p.Sum(v => v * Math.Log(v / (1.0 / 3)));
        using Tensor loss = new DistillationLoss(Temperature: 2, HardLabelWeight: 0).Compute(student, teacher, labels);
        Assert.Equal(4 * kl, loss.item<float>(), 5);

        // With α = 1 the loss is the cross-entropy of a uniform student: ln 3.
        using Tensor ce = new DistillationLoss(Temperature: 2, HardLabelWeight: 1).Compute(student, teacher, labels);
        Assert.Equal(Math.Log(3), ce.item<float>(), 5);
    }

    [Fact]
    public void Gradient_steps_on_the_loss_bring_the_student_to_the_teacher()
    {
        TorchRuntime.EnsureInitialized();
        using Tensor teacher = torch.randn(1, 8, 16, generator: new Generator(5)) * 3;
        using Tensor labels = teacher.argmax(-1);
        using Tensor student = torch.zeros(1, 8, 16).requires_grad_(true);
        var loss = new DistillationLoss(Temperature: 2, HardLabelWeight: 0.1);
        double first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using Tensor l = loss.Compute(student, teacher, labels);
            l.backward();
            using (torch.no_grad())
            {
                student.sub_(student.grad! * 1.0);
                student.grad!.zero_();
            }

            last = l.item<float>();
            first = step == 0 ? last : first;
        }

        using Tensor kl = DistillationLoss.Kl(student.detach().view(8, 16), teacher.view(8, 16));
        Assert.True(last < first / 10, $"loss went from {first} to {last}");
        Assert.InRange(kl.item<float>(), 0, 0.05);
    }
}
