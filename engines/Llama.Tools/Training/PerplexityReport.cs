namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// Held-out perplexity of a model beside the unigram baseline on the same predicted tokens. Per byte divides the
/// summed negative log-likelihood by the UTF-8 bytes of the held-out text instead of its tokens, so models with
/// different tokenizers compare.
/// </summary>
/// <param name="Tokens">Tokens predicted (every held-out token after the first).</param>
/// <param name="Bytes">UTF-8 bytes of the held-out documents.</param>
/// <param name="ModelNll">Summed negative log-likelihood of the model, nats.</param>
/// <param name="UnigramNll">The same for <see cref="UnigramModel"/>.</param>
internal sealed record PerplexityReport(long Tokens, long Bytes, double ModelNll, double UnigramNll)
{
    public double ModelPerToken => Math.Exp(ModelNll / Tokens);

    public double UnigramPerToken => Math.Exp(UnigramNll / Tokens);

    public double ModelPerByte => Math.Exp(ModelNll / Bytes);

    public double UnigramPerByte => Math.Exp(UnigramNll / Bytes);

    public double ModelBitsPerByte => ModelNll / Bytes / Math.Log(2);

    public double UnigramBitsPerByte => UnigramNll / Bytes / Math.Log(2);

    public override string ToString() =>
        $"held-out perplexity per token {ModelPerToken:F2} (unigram {UnigramPerToken:F2}), per byte {ModelPerByte:F3} (unigram {UnigramPerByte:F3}), " +
        $"bits per byte {ModelBitsPerByte:F3} (unigram {UnigramBitsPerByte:F3}) over {Tokens} tokens, {Bytes} bytes";
}
