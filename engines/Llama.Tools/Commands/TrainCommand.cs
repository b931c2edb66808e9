using System.CommandLine;
using Harness.Engines.Llama.Tools.Training;

namespace Harness.Engines.Llama.Tools.Commands;

/// <summary>
/// <c>train</c>: trains a small Llama-family model from scratch on the .NET SDK's documentation, with checkpoints a
/// later <c>--resume</c> continues, and saves it for <c>--model hf:DIR</c> (see <see cref="TrainingRun"/>).
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var shared = new TrainOptionSet();
        var merges = new Option<int>("--merges") { Description = "BPE merges over the 256 byte tokens (0 = bytes only).", DefaultValueFactory = _ => new TrainOptions().Merges };
        var command = new Command("train", "Train a small Llama-family model on the .NET SDK's XML documentation and save it (loadable with --model hf:DIR).");
        shared.AddTo(command);
        command.Options.Add(merges);
        command.SetAction((parse, cancel) =>
        {
            TrainOptions options = shared.Bind(parse) with { Merges = parse.GetValue(merges) };
            return TrainOptionSet.RunInterruptible(cancel, token =>
                TrainingRun.Execute(parse.GetValue(shared.Output)!, options, parse.GetValue(shared.Resume), shared.ThreadCount(parse), Console.Out, token));
        });
        return command;
    }
}
