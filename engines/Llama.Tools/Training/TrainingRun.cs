using System.Diagnostics;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Tokenization;
using Harness.Engines.Llama.Torch;
using TorchSharp;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// The <c>train</c> command's whole job: corpus, tokenizer, training with checkpoints, then the saved model
/// (<see cref="SavedModel"/>, fp32, loadable with <c>hf:DIR</c>) and its held-out perplexity beside the unigram
/// baseline. The checkpoint and the tokenizer being trained live in <c>OUT/train/</c>.
/// </summary>
internal static class TrainingRun
{
    public const string Bos = "<|bos|>";
    public const string Eos = "<|eos|>";
    public const int BosId = 256;
    public const int EosId = 257;
    private const string WorkFolder = "train";

    /// <summary>Trains (or resumes) into <paramref name="outDir"/>; false when interrupted (the checkpoint holds what finished).</summary>
    /// <param name="options">The run's options; ignored on resume, where the checkpoint's are used.</param>
    public static bool Execute(string outDir, TrainOptions options, bool resume, int threads, TextWriter log, CancellationToken cancel)
    {
        string work = Path.Combine(outDir, WorkFolder);
        TrainingCheckpoint.Header? header = TrainingCheckpoint.ForRun(work, resume, "train");
        options = (header?.Options ?? options).Validate();
        Directory.CreateDirectory(work);
        TorchRuntime.EnsureInitialized();
        torch.set_num_threads(threads);

        var clock = Stopwatch.StartNew();
        DocCorpus corpus = DocCorpusReader.FromSdk();
        log.WriteLine($"corpus: {corpus.Source}, {corpus.Train.Count} training documents ({corpus.TrainBytes / 1e6:F2} MB), {corpus.HeldOut.Count} held out ({corpus.HeldOutBytes / 1e6:F2} MB), sha256 {corpus.Sha256[..16]}… ({clock.Elapsed.TotalSeconds:F1} s)");
        TrainingCheckpoint.CheckCorpus(header, corpus.Sha256);

        string tokenizerPath = Path.Combine(work, CheckpointLoader.TokenizerFile);
        if (header is null)
        {
            var merges = BpeTrainer.Train(corpus.Train, options.Merges, [Bos, Eos], tokenizerPath);
            log.WriteLine($"tokenizer: {merges.Count} merges learned ({clock.Elapsed.TotalSeconds:F1} s)");
        }

        HfTokenizer tokenizer = HfTokenizer.Load(tokenizerPath, BosId, [EosId]);
        TokenStream train = TokenStream.Encode(corpus.Train, tokenizer, BosId, EosId);
        TokenStream heldOut = TokenStream.Encode(corpus.HeldOut, tokenizer, BosId, EosId);
        log.WriteLine($"tokens: {train.Tokens.Length} training, {heldOut.Tokens.Length} held out; {corpus.TrainBytes / (double)train.Tokens.Length:F2} bytes per token ({clock.Elapsed.TotalSeconds:F1} s)");

        using var trainer = new Trainer(options, train, tokenizer.VocabSize, BosId, EosId);
        double seconds = trainer.ResumeFrom(work, header, log);

        LlamaConfig config = trainer.Model.Config;
        log.WriteLine($"model: {trainer.Model.ParameterCount / 1e6:F2} M parameters (d {config.HiddenSize}, {config.NumLayers} layers, {config.NumHeads} heads, {config.NumKvHeads} kv heads, ffn {config.IntermediateSize}, vocab {config.VocabSize}, context {config.MaxPositions}); {options.Steps} steps of {options.Batch}x{options.SeqLen} tokens");

        TrainingOutcome outcome = TrainingLoop.Run(trainer, work, corpus.Sha256, seconds, log, cancel);
        if (!outcome.Completed)
        {
            log.WriteLine($"interrupted: checkpoint at step {trainer.Step} saved in {work}; continue with train --resume --out {outDir}");
            return false;
        }

        double trained = outcome.TrainedSeconds;
        double? tokensPerSecond = outcome.TokensPerSecond;
        UnigramModel unigram = UnigramModel.Count(train.Tokens, config.VocabSize);
        PerplexityReport perplexity = trainer.Evaluate(heldOut, corpus.HeldOutBytes, unigram);
        long bytes;
        using (LlamaWeights weights = trainer.Model.ToWeights())
        {
            bytes = SavedModel.Write(weights, outDir, tokenizerPath);
        }

        var record = new TrainingRecord
        {
            CorpusSource = corpus.Source,
            CorpusSha256 = corpus.Sha256,
            TrainDocuments = corpus.Train.Count,
            TrainBytes = corpus.TrainBytes,
            TrainTokens = train.Tokens.Length,
            HeldOutDocuments = corpus.HeldOut.Count,
            HeldOutBytes = corpus.HeldOutBytes,
            Options = options,
            Parameters = trainer.Model.ParameterCount,
            StepsDone = trainer.Step,
            TrainingSeconds = Math.Round(trained, 1),
            TokensPerSecond = tokensPerSecond is { } sessionRate ? Math.Round(sessionRate) : null,
            FinalLoss = outcome.FinalLoss is { } loss ? Math.Round(loss, 4) : null,
            HeldOutPerplexityPerToken = Math.Round(perplexity.ModelPerToken, 3),
            HeldOutPerplexityPerByte = Math.Round(perplexity.ModelPerByte, 4),
            UnigramPerplexityPerToken = Math.Round(perplexity.UnigramPerToken, 3),
            UnigramPerplexityPerByte = Math.Round(perplexity.UnigramPerByte, 4),
            UnigramCounts = unigram.Counts,
        };
        record.Write(outDir);
        log.WriteLine(perplexity.ToString());
        log.WriteLine($"trained {trainer.Step} steps in {trained / 60:F1} min ({(tokensPerSecond is { } r ? $"{r:F0}" : "no")} tok/s this session); final loss {(record.FinalLoss is { } l ? $"{l:F4} (mean of the last {outcome.LossSteps} steps)" : "not measured this session")}; model {bytes / 1e6:F2} MB on disk in {outDir} (load it with --model hf:{outDir})");
        return true;
    }
}
