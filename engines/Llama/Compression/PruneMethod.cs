namespace Harness.Engines.Llama.Compression;

/// <summary>How weights are chosen for removal.</summary>
public enum PruneMethod
{
    /// <summary>Unstructured: the smallest |w| of each matrix (layer-wise magnitude pruning).</summary>
    Magnitude,

    /// <summary>Unstructured, Wanda: the smallest |w_ij| · ‖X_j‖₂ of each output row.</summary>
    Wanda,

    /// <summary>Semi-structured 2:4: in every 4 consecutive inputs of a row, the 2 smallest |w|.</summary>
    Magnitude24,

    /// <summary>Semi-structured 2:4 by Wanda's score.</summary>
    Wanda24,

    /// <summary>Structured: whole MLP channels (a row of gate and up, a column of down) by ‖X_j‖₂ · ‖W_down[:, j]‖₂.</summary>
    MlpChannels,
}
