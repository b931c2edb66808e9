using System.Globalization;
using System.Text.Json;
using Harness.Engines.Llama.Checkpoints;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Tokenization;
using Harness.Engines.Llama.Tools.Benchmarks;
using Harness.Engines.Llama.Torch;
using Harness.Engines.Statistics;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// The <c>distill</c> command's whole job: a smaller student (fewer layers or narrower) trained on the SDK corpus
/// against a teacher's logits (<see cref="DistillationLoss"/>), with the same checkpoints and resume as
/// <c>train</c>, then the student saved beside its teacher's tokenizer and a report of both: held-out perplexity,
/// the student's KL to the teacher, size, and decode speed through the engine's kernels.
/// </summary>
internal static class DistillationRun
{
    private const string WorkFolder = "distill";
    private const int SpeedRepetitions = 5;

    /// <summary>Distils (or resumes) into <paramref name="outDir"/>; false when interrupted.</summary>
    public static bool Execute(string outDir, string teacherSpec, TrainOptions options, DistillationLoss loss, bool resume, int threads, TextWriter log, CancellationToken cancel)
    {
        string work = Path.Combine(outDir, WorkFolder);
        TrainingCheckpoint.Header? header = TrainingCheckpoint.ForRun(work, resume, "distill");
        options = (header?.Options ?? options).Validate();
        Directory.CreateDirectory(work);
        CheckSameTeacher(work, teacherSpec, loss, resuming: header is not null);
        TorchRuntime.EnsureInitialized();
        torch.set_num_threads(threads);

        (LlamaWeights teacherWeights, string? tokenizerPath, _) = LlamaEngineFactory.LoadWeights(ModelSpec.Parse(teacherSpec), Precision.Fp32);
        LlamaConfig teacherConfig = teacherWeights.Config;
        if (tokenizerPath is null || teacherConfig.BosTokenId is not int bos || teacherConfig.EosTokenIds.Count == 0)
        {
            teacherWeights.Dispose();
            throw new EngineException($"teacher {teacherSpec}: distillation reads text, so the teacher needs a tokenizer.json and bos/eos tokens (a saved model such as 'default')");
        }

        int eos = teacherConfig.EosTokenIds[0];
        using var teacher = new Teacher(new LlamaModel(teacherWeights, options.SeqLen + 1, AttentionKind.Fused, DecodePath.Torch));
        DocCorpus corpus = DocCorpusReader.FromSdk();
        TrainingCheckpoint.CheckCorpus(header, corpus.Sha256);

        HfTokenizer tokenizer = HfTokenizer.Load(tokenizerPath, bos, [eos]);
        TokenStream train = TokenStream.Encode(corpus.Train, tokenizer, bos, eos);
        TokenStream heldOut = TokenStream.Encode(corpus.HeldOut, tokenizer, bos, eos);
        using var trainer = new Trainer(options, train, teacherConfig.VocabSize, bos, eos, teacher, loss);
        double seconds = trainer.ResumeFrom(work, header, log);

        log.WriteLine($"teacher {teacherSpec}: {teacherConfig.ParameterCount / 1e6:F2} M parameters, {teacherConfig.NumLayers} layers of {teacherConfig.HiddenSize}; student: {trainer.Model.ParameterCount / 1e6:F2} M parameters, {options.Layers} layers of {options.Dim}; {loss}; {options.Steps} steps of {options.Batch}x{options.SeqLen} tokens");
        TrainingOutcome outcome = TrainingLoop.Run(trainer, work, corpus.Sha256, seconds, log, cancel);
        if (!outcome.Completed)
        {
            log.WriteLine($"interrupted: checkpoint at step {trainer.Step} saved in {work}; continue with distill --resume --out {outDir} --teacher {teacherSpec} (and the same --temperature and --hard-label-weight)");
            return false;
        }

        UnigramModel unigram = UnigramModel.Count(train.Tokens, teacherConfig.VocabSize);
        PerplexityReport student = trainer.Evaluate(heldOut, corpus.HeldOutBytes, unigram);
        (PerplexityReport teacherPerplexity, double kl) = EvaluateTeacher(teacher, trainer.Model, heldOut, options.SeqLen, corpus.HeldOutBytes, unigram);
        long bytes;
        using (LlamaWeights weights = trainer.Model.ToWeights())
        {
            bytes = SavedModel.Write(weights, outDir, tokenizerPath);
        }

        (double teacherSpeed, double studentSpeed) = DecodeSpeeds(teacherSpec, outDir, threads);
        var record = new DistillationRecord(
            teacherSpec,
            teacherConfig.ParameterCount,
            trainer.Model.ParameterCount,
            options,
            loss.Temperature,
            loss.HardLabelWeight,
            Math.Round(outcome.TrainedSeconds, 1),
            Math.Round(teacherPerplexity.ModelPerToken, 3),
            Math.Round(student.ModelPerToken, 3),
            Math.Round(student.UnigramPerToken, 3),
            Math.Round(kl, 4),
            bytes,
            Math.Round(teacherSpeed, 1),
            Math.Round(studentSpeed, 1));
        record.Write(outDir);
        IFormatProvider c = CultureInfo.InvariantCulture;
        log.WriteLine(string.Create(c, $"held-out perplexity per token: teacher {teacherPerplexity.ModelPerToken:F2}, student {student.ModelPerToken:F2} (unigram {student.UnigramPerToken:F2}); student KL to the teacher {kl:F4} nats/token"));
        log.WriteLine(string.Create(c, $"parameters: teacher {teacherConfig.ParameterCount / 1e6:F2} M, student {trainer.Model.ParameterCount / 1e6:F2} M ({bytes / 1e6:F2} MB on disk); decode (engine kernels, median of {SpeedRepetitions}): teacher {teacherSpeed:F1} tok/s, student {studentSpeed:F1} tok/s ({studentSpeed / teacherSpeed:F2}x)"));
        log.WriteLine($"distilled {trainer.Step} steps in {outcome.TrainedSeconds / 60:F1} min; student saved in {outDir} (load it with --model hf:{outDir})");
        return true;
    }

    // The checkpoint holds the student and its optimiser; the teacher and the loss it was trained against are kept
    // beside it, so a resume against another teacher (or temperature) is refused instead of silently mixing objectives.
    private static void CheckSameTeacher(string work, string teacherSpec, DistillationLoss loss, bool resuming)
    {
        string path = Path.Combine(work, "teacher.json");
        string current = JsonSerializer.Serialize(new { teacher = teacherSpec, temperature = loss.Temperature, hard_label_weight = loss.HardLabelWeight });
        if (!resuming)
        {
            File.WriteAllText(path, current);
        }
        else if (File.Exists(path) && File.ReadAllText(path) != current)
        {
            throw new EngineException($"--resume: the checkpoint in {work} was distilled with {File.ReadAllText(path)}; pass the same --teacher, --temperature and --hard-label-weight");
        }
    }

    // The teacher's own held-out perplexity, and the student's mean KL(teacher ‖ student) per token, over the same windows
    // the student's perplexity is measured on.
    private static (PerplexityReport Teacher, double Kl) EvaluateTeacher(Teacher teacher, TinyLlama student, TokenStream heldOut, int seqLen, long bytes, UnigramModel unigram)
    {
        double nll = 0, klSum = 0, baseline = 0;
        long tokens = 0;
        foreach ((Tensor ids, Tensor targets) in heldOut.Consecutive(seqLen))
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            Tensor t = teacher.Logits(ids);
            Tensor s = student.Logits(ids);
            long n = targets.NumberOfElements;
            nll += nn.functional.cross_entropy(t.view(-1, t.shape[^1]).to(ScalarType.Float64), targets.view(-1), reduction: nn.Reduction.Sum).item<double>();
            klSum += DistillationLoss.Kl(s.view(-1, s.shape[^1]), t.view(-1, t.shape[^1])).item<float>() * n;
            foreach (long target in targets.data<long>())
            {
                baseline += unigram.Nll((int)target);
            }

            tokens += n;
        }

        return (new PerplexityReport(tokens, bytes, nll, baseline), klSum / tokens);
    }

    // Decode tokens/s of both models through the engine's kernels (fp32), interleaved repetitions, medians.
    private static (double Teacher, double Student) DecodeSpeeds(string teacherSpec, string studentDir, int threads)
    {
        LlamaModel Build(string spec)
        {
            (LlamaWeights w, _, _) = LlamaEngineFactory.LoadWeights(ModelSpec.Parse(spec), Precision.Fp32);
            return new LlamaModel(w, 128, AttentionKind.Fused, DecodePath.Kernels, new KernelDecoderFactory(threads));
        }

        using LlamaModel teacher = Build(teacherSpec);
        using LlamaModel student = Build("hf:" + studentDir);
        int[] prompt = [.. Enumerable.Range(0, 32).Select(i => 300 + i)];
        ModelTimer.PrefillThenDecode(teacher, [prompt], 8);
        ModelTimer.PrefillThenDecode(student, [prompt], 8);
        var t = new List<double>();
        var s = new List<double>();
        for (int rep = 0; rep < SpeedRepetitions; rep++)
        {
            t.Add(ModelTimer.PrefillThenDecode(teacher, [prompt], 64).Decode);
            s.Add(ModelTimer.PrefillThenDecode(student, [prompt], 64).Decode);
        }

        return (Percentile.Median(t), Percentile.Median(s));
    }
}
