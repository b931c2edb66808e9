using System.CommandLine;
using Harness.Engines.Llama.Tools.Training;

namespace Harness.Engines.Llama.Tools.Commands;

/// <summary>
/// <c>distill</c>: trains a smaller student from a teacher's logits on the SDK documentation corpus (see
/// <see cref="DistillationRun"/>), with the same checkpoints and <c>--resume</c> as <c>train</c>.
/// </summary>
internal static class DistillCommand
{
    public static Command Create()
    {
        var shared = new TrainOptionSet();
        var teacher = new Option<string>("--teacher") { Description = "The teacher's model spec (it needs a tokenizer.json).", DefaultValueFactory = _ => "default" };
        var temperature = new Option<double>("--temperature") { Description = "Softening of both distributions (>= 1).", DefaultValueFactory = _ => new DistillationLoss().Temperature };
        var hardLabels = new Option<double>("--hard-label-weight") { Description = "Weight of the true next-token cross-entropy, 0-1 (0 = pure distillation).", DefaultValueFactory = _ => new DistillationLoss().HardLabelWeight };
        var command = new Command("distill", "Distil a smaller student (fewer layers or narrower) from a teacher's logits and report both side by side.");
        shared.AddTo(command);
        command.Options.Add(teacher);
        command.Options.Add(temperature);
        command.Options.Add(hardLabels);
        command.SetAction((parse, cancel) =>
        {
            var loss = new DistillationLoss(parse.GetValue(temperature), parse.GetValue(hardLabels));
            if (loss.Temperature < 1 || loss.HardLabelWeight is < 0 or > 1)
            {
                throw new EngineException("--temperature must be at least 1 and --hard-label-weight between 0 and 1");
            }

            TrainOptions options = shared.Bind(parse);
            return TrainOptionSet.RunInterruptible(cancel, token =>
                DistillationRun.Execute(parse.GetValue(shared.Output)!, parse.GetValue(teacher)!, options, loss, parse.GetValue(shared.Resume), shared.ThreadCount(parse), Console.Out, token));
        });
        return command;
    }
}
