namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// The training text: one document per documented API member (the plain text of its summary), split into a
/// training and a held-out part by a stable hash of the member name.
/// </summary>
/// <param name="Source">Where it came from, e.g. <c>Microsoft.NETCore.App.Ref 10.0.12</c>.</param>
/// <param name="Train">Training documents in extraction order (sorted file names, document order).</param>
/// <param name="HeldOut">Held-out documents, disjoint from <paramref name="Train"/>, in the same order.</param>
/// <param name="Sha256">Hex SHA-256 over both parts, so two machines can tell they built the same corpus.</param>
internal sealed record DocCorpus(string Source, IReadOnlyList<string> Train, IReadOnlyList<string> HeldOut, string Sha256)
{
    /// <summary>UTF-8 bytes of the training documents (separators not counted).</summary>
    public long TrainBytes => Train.Sum(d => (long)System.Text.Encoding.UTF8.GetByteCount(d));

    /// <summary>UTF-8 bytes of the held-out documents.</summary>
    public long HeldOutBytes => HeldOut.Sum(d => (long)System.Text.Encoding.UTF8.GetByteCount(d));
}
