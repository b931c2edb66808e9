using Microsoft.ML.Tokenizers;

namespace Harness.Engines.Llama.Tokenization;

/// <summary>
/// GPT-2's byte-level BPE from the Microsoft.ML.Tokenizers data package (no download). Gives synthetic preset
/// models a real text front end; wrap it in <see cref="VocabFoldingTokenizer"/> for presets with a smaller vocab.
/// </summary>
public sealed class Gpt2Tokenizer : ITokenizer
{
    public const int Gpt2VocabSize = 50257;

    /// <summary>&lt;|endoftext|&gt;, GPT-2's only special token; it has no separate bos.</summary>
    public const int EndOfText = 50256;

    // Loading decompresses ~1 MB of ranks; one instance serves every caller (the ML tokenizer is thread-safe).
    private static readonly Lazy<TiktokenTokenizer> Shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    public string Name => $"gpt2 BPE ({Gpt2VocabSize})";

    public int VocabSize => Gpt2VocabSize;

    public int? BosTokenId => null;

    public IReadOnlyList<int> EosTokenIds { get; } = [EndOfText];

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Shared.Value.EncodeToIds(text);
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);

        // Ids past the vocabulary (a model with a padded embedding) have no text; drop them instead of failing.
        return Shared.Value.Decode(ids.Where(id => (uint)id < Gpt2VocabSize));
    }
}
