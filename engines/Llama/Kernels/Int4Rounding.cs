namespace Harness.Engines.Llama.Kernels;

/// <summary>How <see cref="Int4Layout"/> picks each group's scale and rounds its weights.</summary>
public enum Int4Rounding
{
    /// <summary>Round to nearest with scale = max|w| / 7 (q in [-7, 7]): the plain post-training baseline.</summary>
    Nearest,

    /// <summary>
    /// The scale of least squared weight error over all 16 levels (q in [-8, 7]), searched per group and refitted by
    /// least squares, as llama.cpp's k-quants do: data-free, weight error only (not activation-aware like AWQ or
    /// error-compensating like GPTQ).
    /// </summary>
    MinimumError,
}
