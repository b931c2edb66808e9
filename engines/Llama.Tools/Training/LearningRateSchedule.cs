namespace Harness.Engines.Llama.Tools.Training;

/// <summary>Linear warm-up to the peak, then a cosine decay to <c>peak x minRatio</c> at the last step.</summary>
internal static class LearningRateSchedule
{
    /// <summary>The learning rate of step <paramref name="step"/> (0-based) of <paramref name="steps"/>.</summary>
    public static double At(int step, int steps, double peak, int warmup, double minRatio)
    {
        if (step < warmup)
        {
            return peak * (step + 1) / warmup;
        }

        double progress = steps - warmup <= 1 ? 1 : (double)(step - warmup) / (steps - warmup - 1);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
        return peak * (minRatio + ((1 - minRatio) * cosine));
    }
}
