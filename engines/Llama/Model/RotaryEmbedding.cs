using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// Precomputed rotary-embedding angles for every position: cos/sin tables of shape [maxPositions, headDim/2], kept
/// both as managed arrays (for the decode kernels) and as tensors (for libtorch prefill).
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    public RotaryEmbedding(LlamaConfig config, int maxPositions)
    {
        HalfDim = config.HeadDim / 2;
        MaxPositions = maxPositions;
        Layout = config.RopeLayout;
        double[] invFreq = InverseFrequencies(config);
        Cos = new float[maxPositions * HalfDim];
        Sin = new float[maxPositions * HalfDim];
        for (int pos = 0; pos < maxPositions; pos++)
        {
            for (int i = 0; i < HalfDim; i++)
            {
                // Angles in double: at position 100k a float angle loses the low bits that set the phase.
                double angle = pos * invFreq[i];
                Cos[(pos * HalfDim) + i] = (float)Math.Cos(angle);
                Sin[(pos * HalfDim) + i] = (float)Math.Sin(angle);
            }
        }

        CosTensor = torch.tensor(Cos, [maxPositions, HalfDim]);
        SinTensor = torch.tensor(Sin, [maxPositions, HalfDim]);
    }

    public int HalfDim { get; }

    public int MaxPositions { get; }

    public RopeLayout Layout { get; }

    /// <summary>[maxPositions, headDim/2].</summary>
    public float[] Cos { get; }

    /// <summary>[maxPositions, headDim/2].</summary>
    public float[] Sin { get; }

    public Tensor CosTensor { get; }

    public Tensor SinTensor { get; }

    /// <summary>theta^(-2i/d), adjusted by Llama 3 scaling where the config asks for it.</summary>
    public static double[] InverseFrequencies(LlamaConfig config)
    {
        int half = config.HeadDim / 2;
        var invFreq = new double[half];
        for (int i = 0; i < half; i++)
        {
            invFreq[i] = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDim);
        }

        if (config.RopeScaling is { } s)
        {
            // Llama 3.1+: long wavelengths are slowed by the factor, short ones kept, and the band in between blended.
            double lowFreqWavelength = s.OriginalMaxPositions / s.LowFreqFactor;
            double highFreqWavelength = s.OriginalMaxPositions / s.HighFreqFactor;
            for (int i = 0; i < half; i++)
            {
                double wavelength = 2 * Math.PI / invFreq[i];
                if (wavelength > lowFreqWavelength)
                {
                    invFreq[i] /= s.Factor;
                }
                else if (wavelength >= highFreqWavelength)
                {
                    double smooth = ((s.OriginalMaxPositions / wavelength) - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                    invFreq[i] = ((1 - smooth) * invFreq[i] / s.Factor) + (smooth * invFreq[i]);
                }
            }
        }

        return invFreq;
    }

    /// <summary>Rotates x: [batch, T, heads, headDim] at positions start..start+T-1, in the configured layout.</summary>
    public Tensor Apply(Tensor x, long start)
    {
        long t = x.shape[1];
        ScalarType dtype = x.dtype;
        using Tensor cos = CosTensor.narrow(0, start, t).view(1, t, 1, HalfDim);
        using Tensor sin = SinTensor.narrow(0, start, t).view(1, t, 1, HalfDim);
        using Tensor xf = x.to(ScalarType.Float32);
        Tensor rotated;
        if (Layout == RopeLayout.HalfSplit)
        {
            using Tensor x1 = xf.narrow(-1, 0, HalfDim);
            using Tensor x2 = xf.narrow(-1, HalfDim, HalfDim);
            using Tensor a = (x1 * cos) - (x2 * sin);
            using Tensor b = (x2 * cos) + (x1 * sin);
            rotated = torch.cat([a, b], -1);
        }
        else
        {
            using Tensor pairs = xf.unflatten(xf.dim() - 1, [HalfDim, 2]);
            using Tensor x1 = pairs.select(-1, 0);
            using Tensor x2 = pairs.select(-1, 1);
            using Tensor a = (x1 * cos) - (x2 * sin);
            using Tensor b = (x1 * sin) + (x2 * cos);
            using Tensor stacked = torch.stack([a, b], -1);
            rotated = stacked.flatten(-2);
        }

        if (dtype == ScalarType.Float32)
        {
            return rotated;
        }

        using (rotated)
        {
            return rotated.to(dtype);
        }
    }

    public void Dispose()
    {
        CosTensor.Dispose();
        SinTensor.Dispose();
    }
}
