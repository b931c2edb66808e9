namespace Harness.Engines.Llama.Tokenization;

/// <summary>
/// Maps another tokenizer's ids into a smaller vocabulary as <c>id % vocabSize</c>, so that a synthetic preset with
/// a tiny embedding can still take text prompts. Encoding is exact; decoding is approximate: a folded id is decoded
/// as the inner token with that same number, not the one it came from. Presets have random weights, so their text
/// is meaningless anyway; only the token counts matter.
/// </summary>
public sealed class VocabFoldingTokenizer : ITokenizer
{
    private readonly ITokenizer inner;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabSize"/> is not positive.</exception>
    public VocabFoldingTokenizer(ITokenizer inner, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        this.inner = inner;
        VocabSize = vocabSize;
        BosTokenId = inner.BosTokenId is int bos ? Fold(bos) : null;
        EosTokenIds = [.. inner.EosTokenIds.Select(Fold).Distinct()];
    }

    public string Name => $"{inner.Name} folded to {VocabSize} (id % {VocabSize}, decoding approximate)";

    public int VocabSize { get; }

    public int? BosTokenId { get; }

    public IReadOnlyList<int> EosTokenIds { get; }

    public IReadOnlyList<int> Encode(string text)
    {
        IReadOnlyList<int> ids = inner.Encode(text);
        var folded = new int[ids.Count];
        for (int i = 0; i < folded.Length; i++)
        {
            folded[i] = Fold(ids[i]);
        }

        return folded;
    }

    public string Decode(IEnumerable<int> ids) => inner.Decode(ids);

    private int Fold(int id) => id % VocabSize;
}
