using Harness.Engines.Llama.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// One model, its optimiser and its data, stepped one update at a time: the batch of a step comes from the step
/// number, the learning rate from the schedule, so a run restored from a checkpoint continues exactly as it would
/// have without stopping. With a teacher the model is a student: its loss is <see cref="DistillationLoss"/> against
/// the teacher's logits on the same batch instead of the cross-entropy alone.
/// </summary>
internal sealed class Trainer : IDisposable
{
    private readonly Teacher? teacher;
    private readonly DistillationLoss? distillation;

    public Trainer(TrainOptions options, TokenStream data, int vocabSize, int bos, int eos, Teacher? teacher = null, DistillationLoss? distillation = null)
    {
        if ((teacher is null) != (distillation is null))
        {
            throw new ArgumentException("a teacher and a distillation loss go together");
        }

        this.teacher = teacher;
        this.distillation = distillation;
        Options = options.Validate();
        Data = data;
        Model = new TinyLlama(ConfigFor(options, vocabSize, bos, eos), options.Seed);
        Optimizer = new AdamW(Model.Parameters);
    }

    public TrainOptions Options { get; }

    public TokenStream Data { get; }

    public TinyLlama Model { get; }

    public AdamW Optimizer { get; }

    /// <summary>Updates done; the next <see cref="TrainStep"/> runs step number <see cref="Step"/>.</summary>
    public int Step { get; private set; }

    /// <summary>The architecture the options describe, as the engine will read it from the saved model.</summary>
    public static LlamaConfig ConfigFor(TrainOptions options, int vocabSize, int bos, int eos) => new LlamaConfig
    {
        ModelType = "llama",
        VocabSize = vocabSize,
        HiddenSize = options.Dim,
        IntermediateSize = options.HiddenSize,
        NumLayers = options.Layers,
        NumHeads = options.Heads,
        NumKvHeads = options.KvHeads,
        HeadDim = options.Dim / options.Heads,
        MaxPositions = options.SeqLen,
        TieEmbeddings = true,
        BosTokenId = bos,
        EosTokenIds = [eos],
    }.Validate();

    /// <summary>One update: forward, backward, clip, AdamW. Returns the batch's mean loss (nats per token) and the gradient norm before clipping.</summary>
    public (double Loss, double GradNorm) TrainStep()
    {
        double lr = LearningRateSchedule.At(Step, Options.Steps, Options.Lr, Options.WarmupSteps, Options.MinLrRatio);
        double loss;
        using (var scope = torch.NewDisposeScope())
        {
            (Tensor ids, Tensor targets) = Data.Batch(Step, Options.Batch, Options.SeqLen, Options.Seed);
            Tensor l = teacher is null ? Model.Loss(ids, targets) : distillation!.Compute(Model.Logits(ids), teacher.Logits(ids), targets);
            l.backward();
            loss = l.item<float>();
        }

        double norm = Optimizer.ClipGradients(Options.ClipNorm);
        Optimizer.Step(lr, Options.WeightDecay);
        Step++;
        return (loss, norm);
    }

    public void Save(string directory, string corpusSha256, double seconds) =>
        TrainingCheckpoint.Save(directory, Model, Optimizer, new TrainingCheckpoint.Header(Step, Options, corpusSha256, seconds));

    /// <summary>Loads the checkpoint in <paramref name="directory"/>, which must come from a run with these options.</summary>
    public void Restore(string directory)
    {
        TrainingCheckpoint.Header header = TrainingCheckpoint.ReadHeader(directory)
            ?? throw new EngineException($"no {TrainingCheckpoint.FileName} in {directory}");
        if (header.Options != Options)
        {
            throw new EngineException($"{directory}: the checkpoint was written with other options ({header.Options})");
        }

        TrainingCheckpoint.Restore(directory, Model, Optimizer, header.Step);
        Step = header.Step;
    }

    /// <summary>
    /// Continues from the checkpoint in <paramref name="work"/> when <paramref name="header"/> names one; returns the
    /// training seconds of the sessions before (0 for a new run).
    /// </summary>
    public double ResumeFrom(string work, TrainingCheckpoint.Header? header, TextWriter log)
    {
        if (header is null)
        {
            return 0;
        }

        Restore(work);
        log.WriteLine($"resumed at step {Step} of {Options.Steps}");
        return header.Seconds;
    }

    /// <summary>Held-out perplexity over every token of <paramref name="heldOut"/> after the first, beside the unigram baseline.</summary>
    public PerplexityReport Evaluate(TokenStream heldOut, long heldOutBytes, UnigramModel unigram)
    {
        double model = 0, baseline = 0;
        long tokens = 0;
        foreach ((Tensor ids, Tensor targets) in heldOut.Consecutive(Options.SeqLen))
        {
            using (ids)
            using (targets)
            {
                model += Model.SumNll(ids, targets);
                foreach (long t in targets.data<long>())
                {
                    baseline += unigram.Nll((int)t);
                    tokens++;
                }
            }
        }

        return new PerplexityReport(tokens, heldOutBytes, model, baseline);
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Model.Dispose();
    }
}
