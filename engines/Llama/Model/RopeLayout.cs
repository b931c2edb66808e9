namespace Harness.Engines.Llama.Model;

/// <summary>Which elements of a head vector rotary embeddings rotate together.</summary>
public enum RopeLayout
{
    /// <summary>Hugging Face: element i pairs with i + head_dim/2 (rotate_half).</summary>
    HalfSplit,

    /// <summary>llama2.c / GGUF / Meta's original: element 2i pairs with 2i+1.</summary>
    AdjacentPairs,
}
