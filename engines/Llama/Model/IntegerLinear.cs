using Harness.Engines.Llama.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// x · Wᵀ (+ b) for int8 matrices (a scale per row) against activations quantised to int8 per token at run time: the
/// W8A8 matmul of int8-dynamic prefill, through the integer kernels of <see cref="QuantizedGemv"/> in passes of
/// <see cref="Gemv.MaxBatch"/> tokens (each pass streams the matrix once). libtorch has no fast int8 GEMM on this
/// class of CPU (its weight-only int8 op measured ~6x slower than fp32 and _int_mm about fp32 speed), so this is what
/// makes dynamic quantisation pay at prefill.
/// </summary>
internal sealed unsafe class IntegerLinear : IDisposable
{
    private readonly KernelThreadPool pool;
    private readonly QuantizedActivations activations;

    /// <param name="threads">Workers (the engine's thread count).</param>
    /// <param name="maxCols">Widest input of any matrix.</param>
    public IntegerLinear(int threads, int maxCols)
    {
        pool = new KernelThreadPool(threads);
        activations = new QuantizedActivations(Gemv.MaxBatch, maxCols);
    }

    /// <param name="x">[..., cols] fp32.</param>
    /// <param name="weight">[rows, cols] int8.</param>
    /// <param name="scales">[rows] fp32.</param>
    /// <param name="bias">[rows] fp32 or null.</param>
    /// <returns>[..., rows] fp32.</returns>
    public Tensor Multiply(Tensor x, Tensor weight, Tensor scales, Tensor? bias)
    {
        int rows = (int)weight.shape[0], cols = (int)weight.shape[1];
        using Tensor input = x.to(ScalarType.Float32).reshape(-1, cols).contiguous();
        using Tensor biasF32 = bias is null ? torch.empty(0) : bias.to(ScalarType.Float32).contiguous();
        int tokens = (int)input.shape[0];
        Tensor output = torch.empty([tokens, rows], ScalarType.Float32);
        var matrix = new WeightMatrix(TensorMemory.Bytes(weight), rows, cols, WeightFormat.Int8, rowScales: TensorMemory.Floats(scales));
        float* px = TensorMemory.Floats(input);
        float* py = TensorMemory.Floats(output);
        float* pb = bias is null ? null : TensorMemory.Floats(biasF32);
        for (int t = 0; t < tokens; t += Gemv.MaxBatch)
        {
            int n = Math.Min(Gemv.MaxBatch, tokens - t);
            activations.QuantizePerToken(px + ((nint)t * cols), n, cols);
            QuantizedGemv.Multiply(pool, matrix, activations, py + ((nint)t * rows), pb);
        }

        long[] shape = [.. x.shape];
        shape[^1] = rows;
        return output.view(shape);
    }

    public void Dispose() => pool.Dispose();
}
