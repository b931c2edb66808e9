using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Compression;

/// <summary>
/// Zeroes weights of one [rows, cols] matrix by score: |w|, or Wanda's |w_ij| · ‖X_j‖₂ when input column norms are
/// given. Every method removes an exact count (ties broken by position), so a pruned matrix has exactly the sparsity
/// asked for. Returns a new fp32 tensor; the input is not changed.
/// </summary>
public static class MatrixPruning
{
    /// <summary>Removes ⌊fraction · n⌋ weights with the lowest scores, over the whole matrix or within each row.</summary>
    /// <param name="columnNorms">[cols] ‖X_j‖₂, or null for magnitude.</param>
    /// <param name="perRow">Compare within each output row (Wanda) instead of over the whole matrix (layer-wise magnitude).</param>
    public static Tensor Unstructured(Tensor weight, float[]? columnNorms, double fraction, bool perRow)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor w = weight.to(ScalarType.Float32).clone();
        Tensor score = Score(w, columnNorms);
        if (perRow)
        {
            long k = (long)Math.Floor(fraction * w.shape[1]);
            if (k > 0)
            {
                (Tensor _, Tensor indices) = score.topk((int)k, dim: 1, largest: false, sorted: false);
                w.scatter_(1, indices, torch.zeros_like(indices, dtype: ScalarType.Float32));
            }
        }
        else
        {
            long k = (long)Math.Floor(fraction * w.NumberOfElements);
            if (k > 0)
            {
                (Tensor _, Tensor indices) = score.flatten().topk((int)k, largest: false, sorted: false);
                w.view(-1).index_fill_(0, indices, 0);
            }
        }

        return w.MoveToOuterDisposeScope();
    }

    /// <summary>2:4: in every group of 4 consecutive columns of each row, the 2 lowest scores are zeroed.</summary>
    /// <exception cref="EngineException">The column count is not a multiple of 4.</exception>
    public static Tensor SemiStructured(Tensor weight, float[]? columnNorms)
    {
        if (weight.shape[1] % 4 != 0)
        {
            throw new EngineException($"2:4 pruning needs a multiple of 4 columns, not {weight.shape[1]}");
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor w = weight.to(ScalarType.Float32).clone();
        long rows = w.shape[0], groups = w.shape[1] / 4;
        Tensor score = Score(w, columnNorms).view(rows, groups, 4);
        (Tensor _, Tensor indices) = score.topk(2, dim: 2, largest: false, sorted: false);
        w.view(rows, groups, 4).scatter_(2, indices, torch.zeros_like(indices, dtype: ScalarType.Float32));
        return w.MoveToOuterDisposeScope();
    }

    // |w| [rows, cols], times ‖X_j‖₂ per column when given.
    private static Tensor Score(Tensor w, float[]? columnNorms)
    {
        Tensor magnitude = w.abs();
        if (columnNorms is null)
        {
            return magnitude;
        }

        if (columnNorms.Length != w.shape[1])
        {
            throw new ArgumentException($"{columnNorms.Length} column norms for a matrix of {w.shape[1]} columns", nameof(columnNorms));
        }

        return magnitude * torch.tensor(columnNorms).unsqueeze(0);
    }
}
