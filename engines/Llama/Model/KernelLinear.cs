using Harness.Engines.Llama.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// x · Wᵀ (+ b) for the libtorch forward pass through the decode kernels (<see cref="MatrixProducts"/>), in passes of
/// <see cref="Gemv.MaxBatch"/> rows, each streaming the matrix once. Int8-dynamic multiplies every matrix this way
/// (W8A8: libtorch has no fast int8 GEMM on this class of CPU; its weight-only int8 op measured ~6x slower than fp32
/// and _int_mm about fp32 speed). Int8 and int4 models that decode through the kernels do it for up to 16 rows (very
/// short prompts, and the LM head, which prefill applies to one row), where dequantising the whole matrix for libtorch
/// would cost more than the product.
/// </summary>
internal sealed unsafe class KernelLinear : IDisposable
{
    /// <summary>
    /// Most rows int8 and int4 send through the kernels (one pass over the matrix); longer inputs dequantise for
    /// libtorch's GEMM, which `bench` measured as fast as four kernel passes at 32 rows and faster beyond.
    /// </summary>
    public const int MaxRowsForWeightOnly = Gemv.MaxBatch;

    private readonly KernelThreadPool pool;
    private readonly MatrixProducts products;
    private readonly LlamaWeights weights;

    /// <param name="threads">Workers (the engine's thread count).</param>
    public KernelLinear(int threads, LlamaWeights weights)
    {
        this.weights = weights;
        pool = new KernelThreadPool(threads);
        products = new MatrixProducts(pool, weights.Precision, weights.Config);
    }

    /// <summary>True when a matmul of <paramref name="rows"/> input rows by this stored matrix goes through the kernels.</summary>
    public bool Takes(Tensor weight, long rows) =>
        weight.dtype is ScalarType.Int8 or ScalarType.Byte && (weights.Precision == Precision.Int8Dynamic || rows <= MaxRowsForWeightOnly);

    /// <param name="x">[..., cols] fp32.</param>
    /// <param name="weight">[rows, cols] int8 or packed int4.</param>
    /// <param name="scales">[rows] fp32 for int8, else null.</param>
    /// <param name="bias">[rows] or null.</param>
    /// <returns>[..., rows] fp32.</returns>
    public Tensor Multiply(Tensor x, Tensor weight, Tensor? scales, Tensor? bias)
    {
        int cols = (int)x.shape[^1];
        WeightMatrix matrix = KernelMatrix.Of(weight, scales, cols, weights.GroupSize);
        using Tensor input = x.to(ScalarType.Float32).reshape(-1, cols).contiguous();
        using Tensor biasF32 = bias is null ? torch.empty(0) : bias.to(ScalarType.Float32).contiguous();
        int tokens = (int)input.shape[0];
        Tensor output = torch.empty([tokens, matrix.Rows], ScalarType.Float32);
        products.Multiply(matrix, TensorMemory.Floats(input), tokens, TensorMemory.Floats(output), bias is null ? null : TensorMemory.Floats(biasF32));
        long[] shape = [.. x.shape];
        shape[^1] = matrix.Rows;
        return output.view(shape);
    }

    public void Dispose() => pool.Dispose();
}
