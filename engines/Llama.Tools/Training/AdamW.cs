using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// AdamW as PyTorch defines it (decoupled weight decay, bias-corrected moments), written out so that its whole state
/// is two tensors per parameter plus the step count, which a checkpoint stores exactly. Weight decay applies to
/// matrices only; norm gains stay undecayed.
/// </summary>
internal sealed class AdamW : IDisposable
{
    private readonly IReadOnlyDictionary<string, Tensor> parameters;

    public AdamW(IReadOnlyDictionary<string, Tensor> parameters, double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8)
    {
        this.parameters = parameters;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        foreach ((string name, Tensor p) in parameters)
        {
            First[name] = torch.zeros_like(p);
            Second[name] = torch.zeros_like(p);
        }
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Eps { get; }

    /// <summary>Updates taken so far (the bias correction's t).</summary>
    public int StepCount { get; set; }

    /// <summary>First moments by parameter name.</summary>
    public Dictionary<string, Tensor> First { get; } = new(StringComparer.Ordinal);

    /// <summary>Second moments by parameter name.</summary>
    public Dictionary<string, Tensor> Second { get; } = new(StringComparer.Ordinal);

    /// <summary>Scales every gradient so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    public double ClipGradients(double maxNorm)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor sum = torch.zeros(1, ScalarType.Float64);
        foreach (Tensor p in parameters.Values)
        {
            sum += p.grad!.to(ScalarType.Float64).pow(2).sum();
        }

        double norm = Math.Sqrt(sum.item<double>());
        if (norm > maxNorm)
        {
            double scale = maxNorm / (norm + 1e-6);
            foreach (Tensor p in parameters.Values)
            {
                p.grad!.mul_(scale);
            }
        }

        return norm;
    }

    /// <summary>One update with learning rate <paramref name="lr"/>, then the gradients are zeroed.</summary>
    public void Step(double lr, double weightDecay)
    {
        StepCount++;
        double correction1 = 1 - Math.Pow(Beta1, StepCount);
        double correction2 = 1 - Math.Pow(Beta2, StepCount);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        foreach ((string name, Tensor p) in parameters)
        {
            Tensor g = p.grad!;
            Tensor m = First[name], v = Second[name];
            if (p.dim() > 1)
            {
                p.mul_(1 - (lr * weightDecay));
            }

            m.mul_(Beta1).add_(g, alpha: 1 - Beta1);
            v.mul_(Beta2).addcmul_(g, g, value: 1 - Beta2);
            Tensor denominator = (v.sqrt() / Math.Sqrt(correction2)).add_(Eps);
            p.addcdiv_(m, denominator, value: -lr / correction1);
            g.zero_();
        }
    }

    public void Dispose()
    {
        foreach (Tensor t in First.Values.Concat(Second.Values))
        {
            t.Dispose();
        }
    }
}
