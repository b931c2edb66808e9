using Harness.Engines.Llama.Kernels;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// y [B, rows] = x [B, cols] · Wᵀ for a model's matrices, the way its precision multiplies them: float activations
/// through <see cref="Gemv"/>, or (int4 and int8-dynamic) activations rounded to int8 at run time through
/// <see cref="QuantizedGemv"/> (one scale per token). Batches run in
/// passes of at most <see cref="Gemv.MaxBatch"/> vectors, each pass streaming W once. The decoder and the benchmark's
/// GEMV probe both multiply through this, so the probe times what decode runs.
/// </summary>
public sealed unsafe class MatrixProducts
{
    private readonly KernelThreadPool pool;
    private readonly QuantizedActivations? quantized;

    /// <param name="pool">Workers (owned by the caller).</param>
    public MatrixProducts(KernelThreadPool pool, Precision precision, LlamaConfig config)
    {
        this.pool = pool;
        if (precision.QuantizesActivations())
        {
            quantized = new QuantizedActivations(Gemv.MaxBatch, Math.Max(config.HiddenSize, Math.Max(config.QueryDim, config.IntermediateSize)));
        }
    }

    /// <summary>True when products with <paramref name="w"/> quantise their activations (and so take <c>absMax</c>).</summary>
    public bool QuantizesInput(in WeightMatrix w) => quantized is not null && w.Format is WeightFormat.Int8 or WeightFormat.Int4;

    /// <param name="bias">[rows] or null.</param>
    /// <param name="accumulate">Add to y (a fused residual add) instead of overwriting it.</param>
    /// <param name="absMax">[batch]: when activations are quantised, each vector's max|x| to scale by (a tensor-parallel
    /// rank's columns scaled by the whole vector's); empty to use the input's own.</param>
    public void Multiply(in WeightMatrix w, float* input, int batch, float* output, float* bias = null, bool accumulate = false, ReadOnlySpan<float> absMax = default)
    {
        for (int b = 0; b < batch; b += Gemv.MaxBatch)
        {
            int n = Math.Min(Gemv.MaxBatch, batch - b);
            float* x = input + ((nint)b * w.Cols);
            float* y = output + ((nint)b * w.Rows);
            if (!QuantizesInput(w))
            {
                Gemv.Multiply(pool, w, x, n, y, bias, accumulate);
                continue;
            }

            quantized!.QuantizePerToken(x, n, w.Cols, offsets: w.Format == WeightFormat.Int4, absMax: absMax.IsEmpty ? default : absMax.Slice(b, n));
            QuantizedGemv.Multiply(pool, w, quantized, y, bias, accumulate);
        }
    }
}
