namespace Harness.Engines.Llama.Tokenization;

/// <summary>Chooses the text front end of a model, or none (then prompts must be token ids).</summary>
public static class TokenizerFactory
{
    /// <summary>The tokenizer.json in <paramref name="modelDirectory"/>, or null when there is none.</summary>
    public static string? FindTokenizerJson(string? modelDirectory)
    {
        if (string.IsNullOrEmpty(modelDirectory))
        {
            return null;
        }

        string path = Path.Combine(modelDirectory, "tokenizer.json");
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// A tokenizer.json when <paramref name="tokenizerJsonPath"/> is given (it must exist); GPT-2 folded to
    /// <paramref name="vocabSize"/> for a synthetic preset; otherwise null (token-id mode).
    /// </summary>
    /// <param name="tokenizerJsonPath">Path to tokenizer.json; null when the model has none.</param>
    /// <param name="vocabSize">The model's embedding rows; every id the tokenizer produces must be below it.</param>
    /// <param name="bosTokenId">The model's bos (e.g. LlamaConfig.BosTokenId); null to read it from the files beside tokenizer.json.</param>
    /// <param name="eosTokenIds">The model's stop ids (e.g. LlamaConfig.EosTokenIds); empty to read them from those files.</param>
    /// <param name="synthetic">A preset with random weights: GPT-2's own bos/eos are used, folded like every id.</param>
    /// <exception cref="EngineException">The tokenizer file is unusable or larger than the model's vocabulary.</exception>
    public static ITokenizer? ForModel(string? tokenizerJsonPath, int vocabSize, int? bosTokenId, IReadOnlyList<int> eosTokenIds, bool synthetic)
    {
        ArgumentNullException.ThrowIfNull(eosTokenIds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        if (tokenizerJsonPath is not null)
        {
            HfTokenizer tokenizer = HfTokenizer.Load(tokenizerJsonPath, bosTokenId, eosTokenIds);
            if (tokenizer.VocabSize > vocabSize)
            {
                throw new EngineException(
                    $"{tokenizerJsonPath} has token ids up to {tokenizer.VocabSize - 1} but the model's vocab_size is {vocabSize}: wrong tokenizer for this model?");
            }

            return tokenizer;
        }

        if (synthetic)
        {
            var gpt2 = new Gpt2Tokenizer();
            return vocabSize >= gpt2.VocabSize ? gpt2 : new VocabFoldingTokenizer(gpt2, vocabSize);
        }

        return null;
    }
}
