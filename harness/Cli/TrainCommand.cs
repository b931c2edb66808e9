using System.CommandLine;
using Harness.Training;

namespace Harness.Cli;

/// <summary>
/// <c>train</c>: trains a small Llama-family model from scratch on the .NET SDK's documentation, with checkpoints a
/// later <c>--resume</c> continues, and saves it for <c>--model hf:DIR</c> (see <see cref="TrainingRun"/>).
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainOptions();
        var output = new Option<string>("--out", "-o") { Description = "Directory for the model (and train/ with the checkpoint and tokenizer).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from OUT/train/checkpoint.safetensors with the options stored there." };
        var steps = Number("--steps", "Optimiser steps.", defaults.Steps);
        var batch = Number("--batch", "Sequences per step.", defaults.Batch);
        var seqLen = Number("--seq-len", "Tokens per sequence (the model's context).", defaults.SeqLen);
        var dim = Number("--dim", "Model width.", defaults.Dim);
        var layers = Number("--layers", "Decoder layers.", defaults.Layers);
        var heads = Number("--heads", "Attention heads.", defaults.Heads);
        var kvHeads = Number("--kv-heads", "Key/value heads (grouped-query attention).", defaults.KvHeads);
        var hidden = Number("--hidden", "SwiGLU width (0 = 8/3 of --dim, rounded up to 32).", defaults.Hidden);
        var merges = Number("--merges", "BPE merges over the 256 byte tokens (0 = bytes only).", defaults.Merges);
        var lr = Number("--lr", "Peak learning rate.", defaults.Lr);
        var warmup = Number("--warmup", "Linear warm-up steps.", defaults.WarmupSteps);
        var seed = Number("--seed", "Seed of the initial weights and the data order.", defaults.Seed);
        var every = Number("--checkpoint-every", "Steps between checkpoints.", defaults.CheckpointEvery);
        var threads = Number("--threads", "libtorch threads (0 = all cores).", 0);
        var command = new Command("train", "Train a small Llama-family model on the .NET SDK's XML documentation and save it (loadable with --model hf:DIR).");
        foreach (Option o in new Option[] { output, resume, steps, batch, seqLen, dim, layers, heads, kvHeads, hidden, merges, lr, warmup, seed, every, threads })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, cancel) =>
        {
            var options = new TrainOptions
            {
                Steps = parse.GetValue(steps),
                Batch = parse.GetValue(batch),
                SeqLen = parse.GetValue(seqLen),
                Dim = parse.GetValue(dim),
                Layers = parse.GetValue(layers),
                Heads = parse.GetValue(heads),
                KvHeads = parse.GetValue(kvHeads),
                Hidden = parse.GetValue(hidden),
                Merges = parse.GetValue(merges),
                Lr = parse.GetValue(lr),
                WarmupSteps = parse.GetValue(warmup),
                Seed = parse.GetValue(seed),
                CheckpointEvery = parse.GetValue(every),
            };
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
            {
                // The first Ctrl+C finishes the current step and saves a checkpoint; a second one kills the process.
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
                int n = parse.GetValue(threads);
                bool done = TrainingRun.Execute(parse.GetValue(output)!, options, parse.GetValue(resume), n > 0 ? n : Environment.ProcessorCount, Console.Out, interrupt.Token);
                return Task.FromResult(done ? ExitCodes.Success : ExitCodes.Interrupted);
            }
            finally
            {
                Console.CancelKeyPress -= OnCancelKey;
            }
        });
        return command;
    }

    private static Option<T> Number<T>(string name, string description, T value) => new(name) { Description = description, DefaultValueFactory = _ => value };
}
