using System.CommandLine;
using Harness.Engines.Llama.Tools.Training;

namespace Harness.Engines.Llama.Tools.Commands;

/// <summary>The options <c>train</c> and <c>distill</c> share: where to write, resume, the architecture and the optimiser.</summary>
internal sealed class TrainOptionSet
{
    private static readonly TrainOptions Defaults = new();

    public Option<string> Output { get; } = new("--out", "-o") { Description = "Directory for the model (and the checkpoint folder inside it).", Required = true };

    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from the checkpoint in OUT with the options stored there." };

    public Option<int> Steps { get; } = Number("--steps", "Optimiser steps.", Defaults.Steps);

    public Option<int> Batch { get; } = Number("--batch", "Sequences per step.", Defaults.Batch);

    public Option<int> SeqLen { get; } = Number("--seq-len", "Tokens per sequence (the model's context).", Defaults.SeqLen);

    public Option<int> Dim { get; } = Number("--dim", "Model width.", Defaults.Dim);

    public Option<int> Layers { get; } = Number("--layers", "Decoder layers.", Defaults.Layers);

    public Option<int> Heads { get; } = Number("--heads", "Attention heads.", Defaults.Heads);

    public Option<int> KvHeads { get; } = Number("--kv-heads", "Key/value heads (grouped-query attention).", Defaults.KvHeads);

    public Option<int> Hidden { get; } = Number("--hidden", "SwiGLU width (0 = 8/3 of --dim, rounded up to 32).", Defaults.Hidden);

    public Option<double> Lr { get; } = Number("--lr", "Peak learning rate.", Defaults.Lr);

    public Option<int> Warmup { get; } = Number("--warmup", "Linear warm-up steps.", Defaults.WarmupSteps);

    public Option<ulong> Seed { get; } = Number("--seed", "Seed of the initial weights and the data order.", Defaults.Seed);

    public Option<int> CheckpointEvery { get; } = Number("--checkpoint-every", "Steps between checkpoints.", Defaults.CheckpointEvery);

    public Option<int> Threads { get; } = Number("--threads", "libtorch threads (0 = all cores).", 0);

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Output, Resume, Steps, Batch, SeqLen, Dim, Layers, Heads, KvHeads, Hidden, Lr, Warmup, Seed, CheckpointEvery, Threads })
        {
            command.Options.Add(o);
        }
    }

    public TrainOptions Bind(ParseResult parse) => new()
    {
        Steps = parse.GetValue(Steps),
        Batch = parse.GetValue(Batch),
        SeqLen = parse.GetValue(SeqLen),
        Dim = parse.GetValue(Dim),
        Layers = parse.GetValue(Layers),
        Heads = parse.GetValue(Heads),
        KvHeads = parse.GetValue(KvHeads),
        Hidden = parse.GetValue(Hidden),
        Lr = parse.GetValue(Lr),
        WarmupSteps = parse.GetValue(Warmup),
        Seed = parse.GetValue(Seed),
        CheckpointEvery = parse.GetValue(CheckpointEvery),
    };

    public int ThreadCount(ParseResult parse) => parse.GetValue(Threads) is > 0 and int n ? n : Environment.ProcessorCount;

    /// <summary>
    /// Runs a training job so the first Ctrl+C finishes the current step and saves a checkpoint (a second one kills the
    /// process).
    /// </summary>
    /// <exception cref="OperationCanceledException">The job stopped early, its checkpoint saved (the CLI exits 130).</exception>
    public static Task RunInterruptible(CancellationToken cancel, Func<CancellationToken, bool> job)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
        {
            if (!interrupt.IsCancellationRequested)
            {
                e.Cancel = true;
                Console.Error.WriteLine("interrupt: saving a checkpoint after this step (Ctrl+C again to abort without saving)");
                interrupt.Cancel();
            }
        }

        Console.CancelKeyPress += OnCancelKey;
        try
        {
            return job(interrupt.Token) ? Task.CompletedTask : throw new OperationCanceledException(interrupt.Token);
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKey;
        }
    }

    private static Option<T> Number<T>(string name, string description, T value) => new(name) { Description = description, DefaultValueFactory = _ => value };
}
