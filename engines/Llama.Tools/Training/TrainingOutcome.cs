namespace Harness.Engines.Llama.Tools.Training;

/// <summary>How a <see cref="TrainingLoop"/> session ended.</summary>
/// <param name="TrainedSeconds">Training time over every session of the run.</param>
/// <param name="TokensPerSecond">Training tokens per second in this session; null when it ran no step.</param>
/// <param name="FinalLoss">Mean loss of the last <paramref name="LossSteps"/> steps of this session; null when it ran none.</param>
/// <param name="LossSteps">Steps the final loss averages (at most 50).</param>
/// <param name="Completed">The run reached its last step (else it was interrupted and its checkpoint saved).</param>
internal sealed record TrainingOutcome(double TrainedSeconds, double? TokensPerSecond, double? FinalLoss, int LossSteps, bool Completed);
