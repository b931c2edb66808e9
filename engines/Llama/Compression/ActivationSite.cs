namespace Harness.Engines.Llama.Compression;

/// <summary>Where in a decoder layer a matrix product takes its input.</summary>
public enum ActivationSite
{
    /// <summary>The attention-normed hidden state [.., d], input of q, k and v.</summary>
    Attention,

    /// <summary>The attention heads' output [.., q], input of the output projection.</summary>
    Output,

    /// <summary>The MLP-normed hidden state [.., d], input of gate and up.</summary>
    Mlp,

    /// <summary>The SwiGLU activation [.., i], input of down.</summary>
    Down,
}
