namespace Harness.Engines.Llama.Model;

/// <summary>How attention is computed; both give the same result within floating-point tolerance.</summary>
public enum AttentionKind
{
    /// <summary>
    /// One kernel: libtorch's scaled_dot_product_attention for prefill, a single-pass online-softmax kernel for
    /// decode.
    /// </summary>
    Fused,

    /// <summary>
    /// Separate steps with the score matrix materialised: QK^T, causal mask, softmax, then V (libtorch ops for
    /// prefill; three passes over the cache for decode).
    /// </summary>
    Unfused,
}

/// <summary>Names of <see cref="AttentionKind"/>.</summary>
public static class AttentionKindNames
{
    public static IReadOnlyList<string> All { get; } = ["fused", "unfused"];

    public static AttentionKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fused" or "sdpa" => AttentionKind.Fused,
        "unfused" or "eager" => AttentionKind.Unfused,
        _ => throw new EngineException($"unknown attention kind '{name}' (this engine supports: {string.Join(", ", All)})"),
    };

    public static string Name(this AttentionKind kind) => kind == AttentionKind.Fused ? "fused" : "unfused";
}
