using System.Diagnostics;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// Steps a <see cref="Trainer"/> to its last step with progress every 10 steps and a checkpoint every
/// <see cref="TrainOptions.CheckpointEvery"/> steps (and one when it stops, finished or interrupted), for <c>train</c>
/// and <c>distill</c> alike.
/// </summary>
internal static class TrainingLoop
{
    private const int LossWindow = 50;

    /// <param name="work">Where the checkpoint goes.</param>
    /// <param name="corpusSha256">Recorded in the checkpoint, so a resume on another corpus is refused.</param>
    /// <param name="priorSeconds">Training time of the sessions before this one (a resumed run).</param>
    public static TrainingOutcome Run(Trainer trainer, string work, string corpusSha256, double priorSeconds, TextWriter log, CancellationToken cancel)
    {
        TrainOptions options = trainer.Options;
        var losses = new Queue<double>();
        var session = Stopwatch.StartNew();
        int sessionStart = trainer.Step;
        long tokensPerStep = (long)options.Batch * options.SeqLen;
        while (trainer.Step < options.Steps && !cancel.IsCancellationRequested)
        {
            (double loss, double norm) = trainer.TrainStep();
            losses.Enqueue(loss);
            if (losses.Count > LossWindow)
            {
                losses.Dequeue();
            }

            int step = trainer.Step;
            if (step % 10 == 0 || step == options.Steps)
            {
                double rate = (step - sessionStart) * tokensPerStep / session.Elapsed.TotalSeconds;
                double lr = LearningRateSchedule.At(step - 1, options.Steps, options.Lr, options.WarmupSteps, options.MinLrRatio);
                log.WriteLine($"step {step}/{options.Steps}  loss {loss:F4}  (mean of last {losses.Count}: {losses.Average():F4})  lr {lr:E2}  grad norm {norm:F2}  {rate:F0} tok/s  {(priorSeconds + session.Elapsed.TotalSeconds) / 60:F1} min");
            }

            if (step % options.CheckpointEvery == 0 && step < options.Steps)
            {
                trainer.Save(work, corpusSha256, priorSeconds + session.Elapsed.TotalSeconds);
            }
        }

        double trained = priorSeconds + session.Elapsed.TotalSeconds;
        double? tokensPerSecond = trainer.Step > sessionStart ? (trainer.Step - sessionStart) * tokensPerStep / session.Elapsed.TotalSeconds : null;
        trainer.Save(work, corpusSha256, trained);
        return new TrainingOutcome(trained, tokensPerSecond, losses.Count > 0 ? losses.Average() : null, losses.Count, trainer.Step >= options.Steps);
    }
}
