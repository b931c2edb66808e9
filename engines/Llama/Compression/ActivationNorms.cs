using Harness.Engines.Llama.Generation;
using Harness.Engines.Llama.KvCache;
using Harness.Engines.Llama.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Compression;

/// <summary>
/// Per layer and site, the L2 norm of each input column over a calibration set, ‖X_j‖₂: the activation half of
/// Wanda's score |W_ij| · ‖X_j‖₂ and of the structured channel importance. Without a text corpus the calibration set
/// is sampled from the dense model itself (temperature 1, a fixed seed), so its activations are in the model's own
/// distribution whatever its tokenizer.
/// </summary>
public sealed class ActivationNorms : IActivationObserver
{
    private readonly Dictionary<(int Layer, ActivationSite Site), double[]> squares = [];

    /// <summary>Calibration tokens seen.</summary>
    public long Tokens { get; private set; }

    /// <summary>‖X_j‖₂ for every column j of one site's input; throws when the site was never observed.</summary>
    public float[] Of(int layer, ActivationSite site) =>
        squares.TryGetValue((layer, site), out double[]? s)
            ? [.. s.Select(v => (float)Math.Sqrt(v))]
            : throw new InvalidOperationException($"no calibration activations for layer {layer} {site}");

    public void Observe(int layer, ActivationSite site, Tensor input)
    {
        using Tensor rows = input.reshape(-1, input.shape[^1]).to(ScalarType.Float32);
        using Tensor sums = rows.square().sum(dim: 0);
        float[] add = sums.data<float>().ToArray();
        if (!squares.TryGetValue((layer, site), out double[]? total))
        {
            squares[(layer, site)] = total = new double[add.Length];
        }

        for (int j = 0; j < add.Length; j++)
        {
            total[j] += add[j];
        }

        if (layer == 0 && site == ActivationSite.Attention)
        {
            Tokens += rows.shape[0];
        }
    }

    /// <summary>Samples <paramref name="sequences"/> sequences of <paramref name="length"/> tokens from the model and observes them.</summary>
    public static ActivationNorms Calibrate(LlamaModel model, int sequences, int length, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var norms = new ActivationNorms();
        var rng = new SplitMix64(seed);
        int vocab = model.Config.VocabSize;
        float[] logits = new float[vocab];
        var sampling = new SamplingParams(Temperature: 1);
        for (int s = 0; s < sequences; s++)
        {
            var ids = new List<int> { model.Config.BosTokenId ?? 0 };
            using (ContiguousKvCache cache = model.NewCache())
            {
                model.Prefill([.. ids], cache, logits);
                while (ids.Count < length)
                {
                    int next = Sampler.Sample(logits, sampling, ref rng);
                    ids.Add(next);
                    if (ids.Count < length)
                    {
                        model.Decode(next, cache, logits);
                    }
                }
            }

            model.Observe([.. ids], norms);
        }

        return norms;
    }
}
