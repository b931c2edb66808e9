namespace Harness.Engines;

/// <summary>Text to token ids and back, with the model's special tokens.</summary>
public interface ITokenizer
{
    /// <summary>Short description for reports, e.g. "tokenizer.json (byte-level BPE, 49152)".</summary>
    string Name { get; }

    int VocabSize { get; }

    int? BosTokenId { get; }

    IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Encodes text without adding special tokens.</summary>
    IReadOnlyList<int> Encode(string text);

    string Decode(IEnumerable<int> ids);
}
