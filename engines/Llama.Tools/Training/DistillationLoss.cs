using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// Knowledge distillation's objective (Hinton et al. 2015, as DistilBERT uses it): the KL divergence from the
/// teacher's to the student's next-token distribution, both softened by a temperature T and scaled by T² so its
/// gradients keep their size as T changes, mixed with the ordinary cross-entropy on the true next tokens:
/// loss = (1 − α) · T² · KL(p_teacher^T ‖ p_student^T) + α · CE(student, labels).
/// </summary>
/// <param name="Temperature">T ≥ 1 softens both distributions, so the student also learns the teacher's ranking of
/// unlikely tokens.</param>
/// <param name="HardLabelWeight">α in [0, 1]: 0 is pure distillation, 1 ordinary training.</param>
public sealed record DistillationLoss(double Temperature = 2.0, double HardLabelWeight = 0.1)
{
    /// <summary>The mean loss over all positions.</summary>
    /// <param name="student">[B, T, V] student logits (with gradients).</param>
    /// <param name="teacher">[B, T, V] teacher logits (no gradients).</param>
    /// <param name="labels">[B, T] int64 next-token ids.</param>
    public Tensor Compute(Tensor student, Tensor teacher, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(labels);
        if (Temperature < 1 || HardLabelWeight is < 0 or > 1)
        {
            throw new ArgumentException($"distillation needs a temperature >= 1 and a hard-label weight in [0, 1], got {Temperature} and {HardLabelWeight}");
        }

        long vocab = student.shape[^1];
        Tensor s = student.reshape(-1, vocab);
        Tensor t = teacher.reshape(-1, vocab).to(s.dtype);
        Tensor kl = Kl(s, t, Temperature) * (Temperature * Temperature);
        if (HardLabelWeight == 0)
        {
            return kl;
        }

        Tensor ce = F.cross_entropy(s, labels.reshape(-1));
        return (kl * (1 - HardLabelWeight)) + (ce * HardLabelWeight);
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"distillation loss: temperature {Temperature}, hard-label weight {HardLabelWeight}");

    /// <summary>Mean over rows of KL(softmax(teacher / T) ‖ softmax(student / T)), in nats.</summary>
    public static Tensor Kl(Tensor student, Tensor teacher, double temperature = 1)
    {
        Tensor logStudent = F.log_softmax(student / temperature, -1);
        Tensor logTeacher = F.log_softmax(teacher / temperature, -1);
        return (logTeacher.exp() * (logTeacher - logStudent)).sum(dim: -1).mean();
    }
}
