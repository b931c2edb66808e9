using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Harness.Engines.Llama.Kernels;
using Harness.Engines.Llama.Model;
using TorchSharp;

namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>
/// Times only the matrix-vector products of one decode step (per layer: qkv, output, gate/up, down; then the LM head)
/// over a model's real weight tensors, with the decoder's kernels and thread count. Set beside the whole decode step,
/// it splits a gap to the bandwidth roofline into "the GEMV kernels do not reach the bandwidth" and "everything else
/// in a step (attention, norms, rotary, thread hand-offs) costs this much".
/// </summary>
internal static unsafe class WeightStreamProbe
{
    /// <summary>Decode steps per second if a step were nothing but its GEMVs; the median of <paramref name="passes"/>.</summary>
    public static double TokensPerSecond(LlamaWeights weights, KernelThreadPool pool, int passes)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(pool);
        List<(WeightMatrix Matrix, bool Accumulate)> steps = [];
        for (int layer = 0; layer < weights.Layers.Count; layer++)
        {
            (WeightMatrix qkv, WeightMatrix output, WeightMatrix gateUp, WeightMatrix down) = KernelMatrix.Layer(weights, layer);
            steps.Add((qkv, false));
            steps.Add((output, true));
            steps.Add((gateUp, false));
            steps.Add((down, true));
        }

        steps.Add((KernelMatrix.LmHead(weights), false));
        var products = new MatrixProducts(pool, weights.Precision, weights.Config);
        int width = steps.Max(s => Math.Max(s.Matrix.Rows, s.Matrix.Cols));
        float[] x = GC.AllocateArray<float>(width, pinned: true);
        float[] y = GC.AllocateArray<float>(width, pinned: true);
        x.AsSpan().Fill(0.01f);
        double[] seconds = new double[passes + 1];
        fixed (float* px = x, py = y)
        {
            for (int pass = 0; pass <= passes; pass++)
            {
                long start = Stopwatch.GetTimestamp();
                foreach ((WeightMatrix matrix, bool accumulate) in steps)
                {
                    products.Multiply(matrix, px, 1, py, accumulate: accumulate);
                }

                seconds[pass] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
        }

        // Pass 0 is untimed: first touch of the activations and the JIT.
        double[] timed = [.. seconds.Skip(1).Order()];
        return 1 / timed[timed.Length / 2];
    }
}
